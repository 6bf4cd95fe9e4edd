using Mesh.Transport.DataChannels;
using Mesh.Transport.Dtls;
using Mesh.Transport.Tests.Dtls;

namespace Mesh.Transport.Tests.DataChannels;

/// <summary>Two full stacks (DTLS, SCTP, data channels) joined by a <see cref="DatagramPipe"/>.</summary>
internal sealed class StackPair : IDisposable
{
    private StackPair(DatagramPipe pipe, DataChannelConnection client, DataChannelConnection server)
    {
        Pipe = pipe;
        Client = client;
        Server = server;
    }

    public DatagramPipe Pipe { get; }

    public DataChannelConnection Client { get; }

    public DataChannelConnection Server { get; }

    public static async Task<StackPair> ConnectAsync(DatagramPipe pipe, DataChannelOptions? options = null)
    {
        var (clientDtls, serverDtls) = await DtlsConnectionTests.ConnectAsync(pipe);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = DataChannelConnection.ConnectAsync(clientDtls, DtlsRole.Client, options, cts.Token);
        var server = DataChannelConnection.ConnectAsync(serverDtls, DtlsRole.Server, options, cts.Token);
        return new StackPair(pipe, await client, await server);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
