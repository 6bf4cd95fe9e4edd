using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mesh.Peer.Control;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Peer.Tests.Control;

public sealed class ControlProtocolTests
{
    [Fact]
    public async Task One_connection_carries_request_lines_each_answered_by_one_json_line()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("control.sock");
        await using var server = await ControlServer.StartAsync(
            path,
            (request, _) => Task.FromResult(request.Command == ControlRequest.Scan
                ? new ControlResponse(true, Scans: [new ScanReport(request.Folder ?? "all", request.Path, 3, 1, 10)])
                : ControlResponse.Failed("unknown")),
            NullLogger.Instance,
            CancellationToken.None);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        await using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);

        await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"command\":\"scan\",\"folder\":\"docs\",\"path\":\"a/b\"}\nnot json\n{\"folder\":\"x\"}\n"));
        var scan = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement;
        var malformed = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement;
        var noCommand = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement;

        Assert.True(scan.GetProperty("ok").GetBoolean());
        var report = Assert.Single(scan.GetProperty("scans").EnumerateArray());
        Assert.Equal(("docs", "a/b", 3), (report.GetProperty("folder").GetString(), report.GetProperty("path").GetString(), report.GetProperty("examined").GetInt32()));
        Assert.False(malformed.GetProperty("ok").GetBoolean());
        Assert.StartsWith("malformed request", malformed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(noCommand.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task A_socket_that_still_answers_is_not_taken_over()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("control.sock");
        await using var first = await ControlServer.StartAsync(path, (_, _) => Task.FromResult(new ControlResponse(true)), NullLogger.Instance, CancellationToken.None);

        await Assert.ThrowsAsync<ControlSocketInUseException>(() =>
            ControlServer.StartAsync(path, (_, _) => Task.FromResult(new ControlResponse(true)), NullLogger.Instance, CancellationToken.None));
    }
}
