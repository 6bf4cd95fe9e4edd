using Mesh.Peer.Identity;
using Mesh.Peer.Links;
using Mesh.Transport.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Peer.Tests.Links;

/// <summary>Two TLS links joined over a real loopback TCP connection: a dialled b, b accepted a.</summary>
internal sealed class TlsLinkPair : IAsyncDisposable
{
    private readonly ITcpConnection _client;
    private readonly ITcpConnection _server;

    private TlsLinkPair(TlsLink aToB, TlsLink bToA, ITcpConnection client, ITcpConnection server)
    {
        AToB = aToB;
        BToA = bToA;
        _client = client;
        _server = server;
    }

    public TlsLink AToB { get; }

    public TlsLink BToA { get; }

    public static async Task<TlsLinkPair> CreateAsync(DeviceIdentity a, DeviceIdentity b, TlsLinkOptions? options = null, ILogger? logger = null)
    {
        options ??= new TlsLinkOptions();
        logger ??= NullLogger.Instance;
        var (client, server) = await LoopbackTcp.ConnectAsync();
        var accept = TlsLinkHandshake.AcceptAsync(server.Stream, b, d => d == a.Id, options, logger, CancellationToken.None);
        var connect = TlsLinkHandshake.ConnectAsync(client.Stream, a, b.Id, options, logger, CancellationToken.None);
        await Task.WhenAll(accept, connect).WaitAsync(TimeSpan.FromSeconds(20));
        return new TlsLinkPair(await connect, await accept, client, server);
    }

    public async ValueTask DisposeAsync()
    {
        await AToB.DisposeAsync();
        await BToA.DisposeAsync();
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }
}
