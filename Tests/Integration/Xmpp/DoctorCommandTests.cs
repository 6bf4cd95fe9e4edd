using Mesh.Peer.Cli;
using Mesh.TestSupport;

namespace Mesh.Integration.Xmpp;

/// <summary><c>mesh doctor</c> against the harness's Prosody.</summary>
[Collection(XmppServerCollection.Name)]
public sealed class DoctorCommandTests
{
    [SkippableFact]
    public async Task Doctor_reports_each_aspect_on_its_own_line_and_never_prints_credentials()
    {
        var server = TestServers.RequireXmpp();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        var passwordFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(passwordFile, server.Accounts[0].Password + "\n", cts.Token);
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await DoctorCommand.RunAsync(
                new DoctorRequest(server.Jid(0), passwordFile, $"{server.Host}:{server.Port}", false, server.CaFile, null), null, output, error, cts.Token);

            var text = output.ToString();
            Assert.True(code == 0, text + error);
            Assert.Matches("(?m)^tls: +TLS 1\\.[23], certificate CN=" + server.Domain, text);
            Assert.Matches("(?m)^sasl: +SCRAM-SHA-", text);
            Assert.Matches("(?m)^stream management: +on$", text);
            Assert.Matches("(?m)^server features: .*urn:xmpp:ping", text);
            Assert.Matches("(?m)^external service: +turn 127\\.0\\.0\\.1:\\d+", text);
            Assert.Matches($"(?m)^socks5 proxy: +{server.Proxy65Jid} streamhost 127\\.0\\.0\\.1:{server.Proxy65Port}$", text);
            Assert.Matches("(?m)^verdict: +OK", text);
            Assert.DoesNotContain(server.Accounts[0].Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    [SkippableFact]
    public async Task Doctor_exits_1_with_a_failed_verdict_on_a_wrong_password()
    {
        var server = TestServers.RequireXmpp();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = new StringWriter();
        var code = await DoctorCommand.RunAsync(
            new DoctorRequest(server.Jid(0), null, $"{server.Host}:{server.Port}", false, server.CaFile, null), "wrong-password", output, new StringWriter(), cts.Token);
        Assert.Equal(1, code);
        Assert.Contains("Authentication", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("cannot log in", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-jid", "x", null)]
    [InlineData("a@b", null, null)]
    [InlineData("a@b", "x", "host-without-port")]
    public async Task Doctor_exits_2_on_bad_usage(string jid, string? password, string? serverOption)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var code = await DoctorCommand.RunAsync(new DoctorRequest(jid, null, serverOption, false, null, null), password, new StringWriter(), new StringWriter(), cts.Token);
        Assert.Equal(2, code);
    }
}
