using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Signalling.Xmpp;

namespace Mesh.Signalling.Tests.Xmpp;

/// <summary>SCRAM-SHA-256-PLUS with tls-server-end-point against a fake server that checks the binding like a real one.</summary>
public sealed class ChannelBindingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static XmppClientOptions Options(FakeXmppServer server) => new()
    {
        Jid = Jid.Parse("alice@" + FakeXmppServer.Domain),
        Password = "correct horse",
        Host = "127.0.0.1",
        Port = server.Port,
        PinnedCertificateSha256 = server.Fingerprint,
        KeepAliveInterval = TimeSpan.Zero,
        AutoReconnect = false,
    };

    [Fact]
    public async Task Logs_in_with_scram_plus_binding_the_servers_certificate()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var server = new FakeXmppServer(async (_, session) =>
        {
            await session.LoginWithScramPlusAsync("correct horse");
            await session.IdleAsync();
        });
        await using var client = new XmppClient(Options(server));
        await client.ConnectAsync(cts.Token);
        Assert.Equal("SCRAM-SHA-256-PLUS", client.Session!.Mechanism);
    }

    [Fact]
    public async Task A_man_in_the_middle_with_another_certificate_fails_the_binding()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = new CertificateRequest("CN=" + FakeXmppServer.Domain, key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // The "real" server behind the interceptor sees the interceptor's certificate in the binding, not its own.
        await using var server = new FakeXmppServer(async (_, session) =>
        {
            await session.LoginWithScramPlusAsync("correct horse", other);
            await session.IdleAsync();
        });
        await using var client = new XmppClient(Options(server));
        var e = await Assert.ThrowsAsync<XmppException>(() => client.ConnectAsync(cts.Token));
        Assert.Equal(XmppErrorKind.Authentication, e.Kind);
    }
}
