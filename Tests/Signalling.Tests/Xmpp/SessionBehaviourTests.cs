using System.Xml.Linq;
using Mesh.Signalling.Xmpp;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Signalling.Tests.Xmpp;

/// <summary>Session behaviour against the fake server: IQ timeouts on the injected clock, stream errors, answers to requests.</summary>
public sealed class SessionBehaviourTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static XmppClientOptions Options(FakeXmppServer server, TimeProvider? time = null, bool reconnect = true) => new()
    {
        Jid = Jid.Parse("alice@" + FakeXmppServer.Domain),
        Password = "pw",
        Host = "127.0.0.1",
        Port = server.Port,
        PinnedCertificateSha256 = server.Fingerprint,
        KeepAliveInterval = TimeSpan.Zero,
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        AutoReconnect = reconnect,
        TimeProvider = time ?? TimeProvider.System,
        IqTimeout = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task An_unanswered_iq_times_out_on_the_injected_clock()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = new FakeXmppServer(async (_, session) =>
        {
            await session.LoginAsync();
            await session.IdleAsync();
        });
        await using var client = new XmppClient(Options(server, time));
        await client.ConnectAsync(cts.Token);

        var ping = client.PingAsync(null, cts.Token);
        await Task.Delay(200, cts.Token);
        Assert.False(ping.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(31));
        var e = await Assert.ThrowsAsync<XmppException>(() => ping.WaitAsync(cts.Token));
        Assert.Equal(XmppErrorKind.Timeout, e.Kind);
    }

    [Fact]
    public async Task Reconnect_attempts_wait_for_the_backoff_on_the_injected_clock()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = new FakeXmppServer(async (index, session) =>
        {
            switch (index)
            {
                case 0:
                    // Logged in, then the connection drops.
                    await session.LoginAsync();
                    break;
                case 1:
                    // The immediate first retry finds the server refusing to talk.
                    break;
                default:
                    await session.LoginAsync();
                    await session.IdleAsync();
                    break;
            }
        });
        var options = Options(server, time);
        await using var client = new XmppClient(new XmppClientOptions
        {
            Jid = options.Jid, Password = options.Password, Host = options.Host, Port = options.Port,
            PinnedCertificateSha256 = options.PinnedCertificateSha256, KeepAliveInterval = TimeSpan.Zero,
            TimeProvider = time, ReconnectInitialDelay = TimeSpan.FromSeconds(10), ReconnectMaxDelay = TimeSpan.FromMinutes(1),
        });
        var online = 0;
        var back = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Online += (_, _) =>
        {
            if (Interlocked.Increment(ref online) == 2)
            {
                back.TrySetResult();
            }
        };
        await client.ConnectAsync(cts.Token);

        // Two connections (the login and the immediate retry), then nothing while the clock stands still.
        while (server.Connections < 2)
        {
            await Task.Delay(20, cts.Token);
        }

        await Task.Delay(700, cts.Token);
        Assert.Equal(2, server.Connections);
        Assert.False(client.IsOnline);

        // The second retry waits between 5 and 10 s of the injected clock.
        time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(300, cts.Token);
        Assert.Equal(2, server.Connections);
        time.Advance(TimeSpan.FromSeconds(5.2));
        await back.Task.WaitAsync(cts.Token);
        Assert.Equal(3, server.Connections);
        Assert.True(client.IsOnline);
    }

    [Fact]
    public async Task A_resource_conflict_stream_error_stops_reconnecting()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var server = new FakeXmppServer(async (_, session) =>
        {
            await session.LoginAsync();
            await session.WriteAsync("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
            await session.IdleAsync();
        });
        await using var client = new XmppClient(Options(server));
        var offline = new TaskCompletionSource<OfflineEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Offline += (_, e) => offline.TrySetResult(e);
        await client.ConnectAsync(cts.Token);

        var lost = await offline.Task.WaitAsync(cts.Token);
        Assert.Equal(XmppErrorKind.StreamError, lost.Reason!.Kind);
        Assert.Equal("conflict", lost.Reason.Condition);
        Assert.False(lost.WillReconnect);
        await Task.Delay(500, cts.Token);
        Assert.Equal(1, server.Connections);
        Assert.False(client.IsOnline);
    }

    [Fact]
    public async Task Requests_get_answers_disco_ping_and_service_unavailable()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var answers = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new FakeXmppServer(async (_, session) =>
        {
            await session.LoginAsync();
            await session.WriteAsync(
                "<iq type='get' id='q1' from='bob@fake.test/x'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"
                + "<iq type='get' id='q2' from='bob@fake.test/x'><ping xmlns='urn:xmpp:ping'/></iq>"
                + "<iq type='set' id='q3' from='bob@fake.test/x'><unknown xmlns='urn:example:nothing'/></iq>");
            // Answers may come in any order (handlers run beside the reader): read until all three parse.
            var text = string.Empty;
            while (true)
            {
                text += await session.ReadUntilAsync(">");
                try
                {
                    var ids = XElement.Parse("<root xmlns='jabber:client'>" + text + "</root>").Elements().Select(e => (string?)e.Attribute("id")).ToHashSet();
                    if (ids.IsSupersetOf(["q1", "q2", "q3"]))
                    {
                        break;
                    }
                }
                catch (System.Xml.XmlException)
                {
                    // Not a whole element yet.
                }
            }

            answers.TrySetResult(text);
            await session.IdleAsync();
        });
        await using var client = new XmppClient(Options(server));
        await client.ConnectAsync(cts.Token);

        var text = await answers.Task.WaitAsync(cts.Token);
        var stanzas = XElement.Parse("<root xmlns='jabber:client'>" + text + "</root>").Elements().Where(e => e.Name.LocalName == "iq").ToList();
        var disco = stanzas.Single(e => (string?)e.Attribute("id") == "q1");
        Assert.Equal("result", (string?)disco.Attribute("type"));
        Assert.Contains(disco.Descendants(XName.Get("feature", "http://jabber.org/protocol/disco#info")), f => (string?)f.Attribute("var") == XmppClient.MeshFeature);
        Assert.Equal("result", (string?)stanzas.Single(e => (string?)e.Attribute("id") == "q2").Attribute("type"));
        var unknown = stanzas.Single(e => (string?)e.Attribute("id") == "q3");
        Assert.Equal("error", (string?)unknown.Attribute("type"));
        Assert.NotNull(unknown.Descendants(XName.Get("service-unavailable", "urn:ietf:params:xml:ns:xmpp-stanzas")).SingleOrDefault());
        Assert.Equal("bob@fake.test/x", (string?)unknown.Attribute("to"));
    }
}
