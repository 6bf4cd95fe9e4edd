using System.Xml.Linq;
using Mesh.Signalling.Xmpp;
using Mesh.TestSupport;

namespace Mesh.Integration.Xmpp;

/// <summary>Presence, caps, subscriptions and IQs between two real clients on the harness's server.</summary>
[Collection(XmppServerCollection.Name)]
public sealed class XmppPresenceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task Two_resources_of_one_account_see_each_others_presence_and_mesh_feature(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        using var cts = new CancellationTokenSource(Timeout);
        await using var laptop = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 2, "laptop"), cts.Token);
        var seen = XmppTestClients.WaitForPresence(laptop, e => e.From.Resource == "phone" && e.Available);
        await using var phone = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 2, "phone"), cts.Token);

        var presence = await seen.WaitAsync(cts.Token);
        Assert.Contains(XmppClient.MeshFeature, presence.Features);
        Assert.Equal(phone.BoundJid, presence.From);

        var gone = XmppTestClients.WaitForPresence(laptop, e => e.From == phone.BoundJid && !e.Available);
        await phone.DisconnectAsync();
        Assert.False((await gone.WaitAsync(cts.Token)).Available);
    }

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task Two_accounts_that_subscribe_to_each_other_see_presence_and_feature(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        using var cts = new CancellationTokenSource(Timeout);
        await using var alice = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 0, "sub-a"), cts.Token);
        await using var bob = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 1, "sub-b"), cts.Token);
        alice.SubscriptionRequested += (_, e) => _ = alice.ApproveSubscriptionAsync(e.From);
        bob.SubscriptionRequested += (_, e) => _ = bob.ApproveSubscriptionAsync(e.From);

        var aliceSeesBob = XmppTestClients.WaitForPresence(alice, e => e.From == bob.BoundJid && e.Available && e.Features.Contains(XmppClient.MeshFeature));
        var bobSeesAlice = XmppTestClients.WaitForPresence(bob, e => e.From == alice.BoundJid && e.Available && e.Features.Contains(XmppClient.MeshFeature));
        await alice.SubscribeAsync(bob.BoundJid!.Bare, cts.Token);
        await bob.SubscribeAsync(alice.BoundJid!.Bare, cts.Token);

        await aliceSeesBob.WaitAsync(cts.Token);
        await bobSeesAlice.WaitAsync(cts.Token);
        var roster = await alice.GetRosterAsync(cts.Token);
        var entry = Assert.Single(roster, r => r.Jid == bob.BoundJid.Bare);
        Assert.Equal("both", entry.Subscription);
    }

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task An_iq_round_trips_between_two_clients_and_unhandled_iqs_get_service_unavailable(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        using var cts = new CancellationTokenSource(Timeout);
        await using var a = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 2, "iq-a"), cts.Token);
        await using var b = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 2, "iq-b"), cts.Token);
        XNamespace echo = "urn:mesh:test:echo";
        b.SetIqHandler(echo + "echo", (iq, _) => Task.FromResult<XElement?>(new XElement(echo + "echo", iq.Elements().First().Value + "!")));

        var response = await a.SendIqAsync(
            new XElement(XName.Get("iq", "jabber:client"), new XAttribute("type", "get"), new XAttribute("to", b.BoundJid!.ToString()), new XElement(echo + "echo", "hello")),
            null,
            cts.Token);
        Assert.Equal("hello!", response.Element(echo + "echo")!.Value);

        var e = await Assert.ThrowsAsync<XmppException>(() => a.SendIqAsync(
            new XElement(XName.Get("iq", "jabber:client"), new XAttribute("type", "get"), new XAttribute("to", b.BoundJid.ToString()), new XElement(XName.Get("nothing", "urn:mesh:test:none"))),
            null,
            cts.Token));
        Assert.Equal(XmppErrorKind.StanzaError, e.Kind);
        Assert.Equal("service-unavailable", e.Condition);

        var rtt = await a.PingAsync(b.BoundJid, cts.Token);
        Assert.True(rtt > TimeSpan.Zero);
        await a.PingAsync(null, cts.Token);
        var info = await a.DiscoverInfoAsync(b.BoundJid, null, cts.Token);
        Assert.Contains(XmppClient.MeshFeature, info.Features);
        Assert.Equal(b.CapsVer, Mesh.Signalling.Xmpp.Extensions.EntityCapabilities.ComputeVer(info));
    }
}
