using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Mesh.Peer.Control;

/// <summary>Sends one request to the daemon's control socket and reads the answer.</summary>
internal static class ControlClient
{
    /// <summary>Sends <paramref name="request"/> and waits for the answer (a scan answers when it is done).</summary>
    /// <exception cref="ControlUnavailableException">No daemon answers on <paramref name="socketPath"/>.</exception>
    public static async Task<ControlResponse> SendAsync(string socketPath, ControlRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(socketPath);
        var notRunning = $"no mesh daemon is running for {Path.GetDirectoryName(socketPath)} (nothing answers on {socketPath}); start one with 'mesh run'";
        if (!File.Exists(socketPath))
        {
            throw new ControlUnavailableException(notRunning);
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new ControlUnavailableException(notRunning, e);
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        string? line;
        try
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(request, ControlJsonContext.Default.ControlRequest).AsMemory(), ct).ConfigureAwait(false);
            line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new ControlUnavailableException($"the mesh daemon for {Path.GetDirectoryName(socketPath)} went away: {e.Message}", e);
        }

        if (line is null)
        {
            throw new ControlUnavailableException($"the mesh daemon for {Path.GetDirectoryName(socketPath)} closed the connection without answering");
        }

        return JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlResponse)
            ?? throw new ControlUnavailableException("the daemon answered with an empty response");
    }
}
