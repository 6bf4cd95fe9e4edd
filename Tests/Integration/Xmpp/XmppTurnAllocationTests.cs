using System.Net;
using Mesh.Signalling.Xmpp;
using Mesh.TestSupport;
using Mesh.Transport.Net;
using Mesh.Transport.Turn;

namespace Mesh.Integration.Xmpp;

/// <summary>The TURN credentials that XEP-0215 hands out really work: our TURN client allocates a relay with them.</summary>
[Collection(XmppServerCollection.Name)]
public sealed class XmppTurnAllocationTests
{
    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task Turn_credentials_from_external_service_discovery_allocate_a_relay(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 0), cts.Token);
        var turn = Assert.Single(await client.DiscoverExternalServicesAsync(cts.Token), s => s.Type == "turn" && s.Transport is null or "udp");

        await using var allocation = await TurnClient.AllocateAsync(
            new TurnClientOptions
            {
                Server = new IPEndPoint(IPAddress.Parse(turn.Host), turn.Port ?? 3478),
                Credentials = new TurnCredentials(turn.Username!, turn.Password!),
                Network = SocketNetwork.Instance,
            },
            cts.Token);
        Assert.NotEqual(0, allocation.RelayedAddress.Port);
        Assert.True(allocation.Lifetime > TimeSpan.Zero);
    }
}
