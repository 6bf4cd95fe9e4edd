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
        var bobJid = Jid.Parse(server.Jid(1));

        // Handlers go in before bob logs in: if an earlier run left the subscriptions in place, bob's
        // presence probe answer arrives during login.
        await using var bob = new XmppClient(XmppTestClients.Options(server, 1, "sub-b"));
        alice.SubscriptionRequested += (_, e) => _ = alice.ApproveSubscriptionAsync(e.From);
        bob.SubscriptionRequested += (_, e) => _ = bob.ApproveSubscriptionAsync(e.From);
        var aliceSeesBob = XmppTestClients.WaitForPresence(alice, e => e.From.Bare == bobJid && e.From.Resource == "sub-b" && e.Available && e.Features.Contains(XmppClient.MeshFeature));
        var bobSeesAlice = XmppTestClients.WaitForPresence(bob, e => e.From == alice.BoundJid && e.Available && e.Features.Contains(XmppClient.MeshFeature));
        await bob.ConnectAsync(cts.Token);

        // A roster set is always confirmed by a push; a new name each run makes it a real change.
        var name = "Bob " + Guid.NewGuid().ToString("N")[..8];
        var pushed = new TaskCompletionSource<RosterItem>(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.RosterChanged += (_, item) =>
        {
            if (item.Jid == bobJid && item.Name == name)
            {
                pushed.TrySetResult(item);
            }
        };
        // RFC 6121 2.1.6: pushes go to "interested" resources, those that fetched the roster.
        await alice.GetRosterAsync(cts.Token);
        await alice.SetRosterItemAsync(bobJid, name, ["devices"], cts.Token);
        Assert.Equal(["devices"], (await pushed.Task.WaitAsync(cts.Token)).Groups);

        await alice.SubscribeAsync(bobJid, cts.Token);
        await bob.SubscribeAsync(alice.BoundJid!.Bare, cts.Token);
        await aliceSeesBob.WaitAsync(cts.Token);
        await bobSeesAlice.WaitAsync(cts.Token);

        // The last approval may still be on its way: the roster reaches "both" shortly.
        RosterItem? entry = null;
        for (var i = 0; i < 50 && entry?.Subscription != "both"; i++)
        {
            entry = (await alice.GetRosterAsync(cts.Token)).SingleOrDefault(r => r.Jid == bobJid);
            if (entry?.Subscription != "both")
            {
                await Task.Delay(100, cts.Token);
            }
        }

        Assert.Equal("both", entry?.Subscription);
        Assert.Equal(name, entry!.Name);
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
