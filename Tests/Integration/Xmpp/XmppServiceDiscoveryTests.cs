using System.Security.Cryptography;
using System.Text;
using Mesh.Signalling.Xmpp;
using Mesh.TestSupport;

namespace Mesh.Integration.Xmpp;

/// <summary>What the server offers: disco, XEP-0215 STUN/TURN with credentials, the XEP-0065 proxy.</summary>
[Collection(XmppServerCollection.Name)]
public sealed class XmppServiceDiscoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task External_services_name_the_harness_coturn_with_rest_api_credentials(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        await using var client = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 0), cts.Token);

        var services = await client.DiscoverExternalServicesAsync(cts.Token);
        var turnService = Assert.Single(services, s => s.Type == "turn" && s.Transport is null or "udp");
        Assert.Equal(turn.Host, turnService.Host);
        Assert.Equal(turn.Port, turnService.Port);
        Assert.Contains(services, s => s.Type == "stun" && s.Port == turn.Port);

        // TURN REST API (draft-uberti-behave-turn-rest): username "expiry[:user]", password = base64(HMAC-SHA1(secret, username)).
        Assert.NotNull(turnService.Username);
        var expiry = long.Parse(turnService.Username!.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(expiry > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(turn.Secret), Encoding.UTF8.GetBytes(turnService.Username)));
        Assert.Equal(expected, turnService.Password);
        Assert.DoesNotContain(turnService.Password!, turnService.ToString(), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task The_socks5_proxy_and_its_streamhost_are_found(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        Skip.If(server.Proxy65Jid is null, "no proxy65 component");
        using var cts = new CancellationTokenSource(Timeout);
        await using var client = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 0), cts.Token);

        var proxy = await client.DiscoverProxyAsync(cts.Token);
        Assert.NotNull(proxy);
        Assert.Equal(server.Proxy65Jid, proxy!.Jid.Bare.ToString());
        Assert.Equal(server.Proxy65Port, proxy.Port);
        Assert.Equal("127.0.0.1", proxy.Host);
    }

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task The_server_answers_disco_info_and_items(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        using var cts = new CancellationTokenSource(Timeout);
        await using var client = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 0), cts.Token);
        var info = await client.DiscoverInfoAsync(null, null, cts.Token);
        Assert.Contains(info.Identities, i => i.Category == "server");
        Assert.Contains("urn:xmpp:ping", info.Features);
        var items = await client.DiscoverItemsAsync(null, null, cts.Token);
        Assert.Contains(items, i => i.Jid.ToString() == server.Proxy65Jid);
    }
}
