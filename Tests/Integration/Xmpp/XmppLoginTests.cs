using System.Net;
using System.Security.Authentication;
using Mesh.Signalling.Xmpp;
using Mesh.TestSupport;
using Mesh.Transport.Net;

namespace Mesh.Integration.Xmpp;

/// <summary>Logging in to the harness's Prosody: every mechanism, both TLS modes, and the ways it must fail.</summary>
[Collection(XmppServerCollection.Name)]
public sealed class XmppLoginTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData("XMPP", "SCRAM-SHA-1")]
    [InlineData("XMPP", "SCRAM-SHA-256")]
    [InlineData("XMPP", "PLAIN")]
    [InlineData("EJABBERD", "SCRAM-SHA-1")]
    [InlineData("EJABBERD", "SCRAM-SHA-256")]
    [InlineData("EJABBERD", "PLAIN")]
    public async Task Logs_in_with_each_mechanism_the_server_offers(string serverName, string mechanism)
    {
        var server = TestServers.RequireXmpp(serverName);
        using var cts = new CancellationTokenSource(Timeout);
        var options = XmppTestClients.Options(server, 0);
        await using var client = new XmppClient(new XmppClientOptions
        {
            Jid = options.Jid, Password = options.Password, Host = options.Host, Port = options.Port, CaFile = options.CaFile,
            AllowedMechanisms = [mechanism],
        });
        try
        {
            await client.ConnectAsync(cts.Token);
        }
        catch (XmppException e) when (e.Kind == XmppErrorKind.Unsupported)
        {
            Skip.If(true, $"the server does not offer {mechanism}: {e.Message}");
        }

        Assert.True(client.IsOnline);
        Assert.Equal(mechanism, client.Session!.Mechanism);
        Assert.Equal(options.Jid, client.BoundJid!.Bare);
        Assert.False(client.BoundJid.IsBare);
        Assert.True(client.Session.TlsProtocol is SslProtocols.Tls12 or SslProtocols.Tls13);
        Assert.Contains(server.Domain, client.Session.CertificateSubject, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task Logs_in_over_direct_tls(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        Skip.If(server.DirectTlsPort is null, "no direct TLS port");
        using var cts = new CancellationTokenSource(Timeout);
        await using var client = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 1, directTls: true), cts.Token);
        Assert.True(client.Session!.DirectTls);
        Assert.True(client.Session.StreamManagement);
    }

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task Wrong_password_is_an_authentication_error_after_exactly_one_attempt(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        using var cts = new CancellationTokenSource(Timeout);
        var network = new CountingNetwork(SocketNetwork.Instance);
        var good = XmppTestClients.Options(server, 0);
        await using var client = new XmppClient(new XmppClientOptions
        {
            Jid = good.Jid, Password = good.Password + "-wrong", Host = good.Host, Port = good.Port, CaFile = good.CaFile, Network = network,
        });

        var e = await Assert.ThrowsAsync<XmppException>(() => client.ConnectAsync(cts.Token));
        Assert.Equal(XmppErrorKind.Authentication, e.Kind);
        Assert.Equal("not-authorized", e.Condition);
        await Task.Delay(500, cts.Token);
        Assert.Equal(1, network.Connects);
        Assert.False(client.IsOnline);
    }

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task Without_the_ca_file_the_certificate_is_refused_with_its_reason(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        using var cts = new CancellationTokenSource(Timeout);
        var good = XmppTestClients.Options(server, 0);
        await using var client = new XmppClient(new XmppClientOptions { Jid = good.Jid, Password = good.Password, Host = good.Host, Port = good.Port });
        var e = await Assert.ThrowsAsync<XmppException>(() => client.ConnectAsync(cts.Token));
        Assert.Equal(XmppErrorKind.Certificate, e.Kind);
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task A_pinned_fingerprint_replaces_the_ca_and_a_wrong_pin_is_refused(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        using var cts = new CancellationTokenSource(Timeout);
        var good = XmppTestClients.Options(server, 0);
        string fingerprint;
        await using (var first = await XmppTestClients.ConnectAsync(good, cts.Token))
        {
            fingerprint = first.Session!.CertificateSha256;
        }

        await using (var pinned = new XmppClient(new XmppClientOptions { Jid = good.Jid, Password = good.Password, Host = good.Host, Port = good.Port, PinnedCertificateSha256 = fingerprint }))
        {
            await pinned.ConnectAsync(cts.Token);
            Assert.True(pinned.IsOnline);
        }

        var wrong = new string('0', 64);
        await using var refused = new XmppClient(new XmppClientOptions { Jid = good.Jid, Password = good.Password, Host = good.Host, Port = good.Port, CaFile = good.CaFile, PinnedCertificateSha256 = wrong });
        var e = await Assert.ThrowsAsync<XmppException>(() => refused.ConnectAsync(cts.Token));
        Assert.Equal(XmppErrorKind.Certificate, e.Kind);
        Assert.Contains("not the pinned one", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Counts TCP connects, to prove a wrong password is not retried.</summary>
    private sealed class CountingNetwork(INetwork inner) : INetwork
    {
        private int _connects;

        public int Connects => Volatile.Read(ref _connects);

        public IUdpEndpoint BindUdp(IPEndPoint local) => inner.BindUdp(local);

        public ValueTask<ITcpConnection> ConnectTcpAsync(IPEndPoint remote, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _connects);
            return inner.ConnectTcpAsync(remote, cancellationToken);
        }

        public ITcpListener ListenTcp(IPEndPoint local) => inner.ListenTcp(local);

        public IReadOnlyList<IPAddress> GetInterfaceAddresses() => inner.GetInterfaceAddresses();
    }
}
