using System.Text;
using Mesh.Signalling.Xmpp;

namespace Mesh.Signalling.Tests.Xmpp;

/// <summary>
/// A fake server on loopback misbehaves after login; the client must report the reason, drop the
/// connection, reconnect by itself and work again, and never crash or hang.
/// </summary>
public sealed class HostileServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string, string> Attacks => new()
    {
        { "garbage", "text outside a stanza" },
        { "billion-laughs", "DTD" },
        { "oversized", "exceeds the maximum" },
        { "bad-utf8", "UTF-8" },
        { "undeclared-entity", "not allowed" },
    };

    private static byte[] Attack(string name) => name switch
    {
        "garbage" => Encoding.UTF8.GetBytes("\u0001\u0002 this is not XML }{"),
        "billion-laughs" => Encoding.UTF8.GetBytes(
            "<!DOCTYPE lolz [<!ENTITY lol 'lol'>" + string.Concat(Enumerable.Range(1, 9).Select(i => $"<!ENTITY lol{i} '{string.Concat(Enumerable.Repeat(i == 1 ? "&lol;" : $"&lol{i - 1};", 10))}'>")) + "]><message>&lol9;</message>"),
        "oversized" => Encoding.UTF8.GetBytes("<message><body>" + new string('x', 64 * 1024) + "</body></message>"),
        "bad-utf8" => [.. "<message><body>"u8.ToArray(), 0xC3, 0x28, .. "</body></message>"u8.ToArray()],
        "undeclared-entity" => Encoding.UTF8.GetBytes("<message><body>&xxe;</body></message>"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Client_reports_the_hostile_stream_reconnects_and_reads_a_stanza_sent_byte_by_byte(string attack, string reason)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var server = new FakeXmppServer(async (index, session) =>
        {
            if (index == 0)
            {
                await session.LoginAsync();
                await session.WriteAsync(Attack(attack));
                await session.IdleAsync();
                return;
            }

            // The second connection is served one byte per write, all of it: login and a message.
            session.ChunkSize = 1;
            await session.LoginAsync();
            await session.WriteAsync("<message from='bob@fake.test/x' id='m1'><body>h\u00e9llo &amp; bye</body></message>");
            await session.IdleAsync();
        });

        await using var client = new XmppClient(new XmppClientOptions
        {
            Jid = Jid.Parse("alice@" + FakeXmppServer.Domain),
            Password = "pw",
            Host = "127.0.0.1",
            Port = server.Port,
            PinnedCertificateSha256 = server.Fingerprint,
            MaxStanzaBytes = 16 * 1024,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            KeepAliveInterval = TimeSpan.Zero,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        });
        var offline = new TaskCompletionSource<OfflineEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = new TaskCompletionSource<MessageReceivedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var onlineCount = 0;
        client.Offline += (_, e) => offline.TrySetResult(e);
        client.MessageReceived += (_, e) => message.TrySetResult(e);
        client.Online += (_, _) => Interlocked.Increment(ref onlineCount);

        await client.ConnectAsync(cts.Token);
        var lost = await offline.Task.WaitAsync(cts.Token);
        Assert.Equal(XmppErrorKind.Protocol, lost.Reason!.Kind);
        Assert.Contains(reason, lost.Reason.Message, StringComparison.Ordinal);
        Assert.True(lost.WillReconnect);

        var received = await message.Task.WaitAsync(cts.Token);
        Assert.Equal("h\u00e9llo & bye", received.Body);
        Assert.Equal("bob@fake.test/x", received.From!.ToString());
        Assert.Equal(2, Volatile.Read(ref onlineCount));
        Assert.Equal(2, server.Connections);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_instead_of_hanging()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var server = new FakeXmppServer((_, session) => session.IdleAsync());
        await using var client = new XmppClient(new XmppClientOptions
        {
            Jid = Jid.Parse("alice@" + FakeXmppServer.Domain),
            Password = "pw",
            Host = "127.0.0.1",
            Port = server.Port,
            PinnedCertificateSha256 = server.Fingerprint,
            ConnectTimeout = TimeSpan.FromSeconds(1),
        });
        var e = await Assert.ThrowsAsync<XmppException>(() => client.ConnectAsync(cts.Token));
        Assert.Equal(XmppErrorKind.Timeout, e.Kind);
    }

    [Fact]
    public async Task A_server_without_starttls_is_refused()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var server = new FakeXmppServer(async (_, session) =>
        {
            await session.ReadUntilAsync("xml:lang='en'>");
            await session.WriteAsync("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
                + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
            await session.IdleAsync();
        });
        await using var client = new XmppClient(new XmppClientOptions
        {
            Jid = Jid.Parse("alice@" + FakeXmppServer.Domain), Password = "pw", Host = "127.0.0.1", Port = server.Port,
        });
        var e = await Assert.ThrowsAsync<XmppException>(() => client.ConnectAsync(cts.Token));
        Assert.Equal(XmppErrorKind.Unsupported, e.Kind);
        Assert.Contains("STARTTLS", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_that_is_neither_trusted_nor_pinned_is_refused_with_its_reason()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var server = new FakeXmppServer(async (_, session) =>
        {
            try
            {
                await session.LoginAsync();
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
            {
                // The client hangs up during the handshake, as it should.
            }
        });
        await using var client = new XmppClient(new XmppClientOptions
        {
            Jid = Jid.Parse("alice@" + FakeXmppServer.Domain), Password = "pw", Host = "127.0.0.1", Port = server.Port,
        });
        var e = await Assert.ThrowsAsync<XmppException>(() => client.ConnectAsync(cts.Token));
        Assert.Equal(XmppErrorKind.Certificate, e.Kind);
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
    }
}
