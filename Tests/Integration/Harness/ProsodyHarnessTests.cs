using System.Net.Sockets;
using System.Text;
using Mesh.TestSupport;

namespace Mesh.Integration.Harness;

/// <summary>Proves the test command really started Prosody: raw TCP, no XMPP client of ours involved.</summary>
public sealed class ProsodyHarnessTests
{
    [SkippableFact]
    public async Task Prosody_answers_with_a_stream_header_for_the_test_domain_and_offers_starttls()
    {
        var server = TestServers.RequireXmpp();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = client.GetStream();

        var open = $"<?xml version='1.0'?><stream:stream to='{server.Domain}' version='1.0' "
            + "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(open), timeout.Token);

        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("</stream:features>", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(n > 0, $"Prosody closed the stream early after: {received}");
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        var text = received.ToString();
        Assert.Contains("<stream:stream", text, StringComparison.Ordinal);
        Assert.Matches($"from=['\"]{System.Text.RegularExpressions.Regex.Escape(server.Domain)}['\"]", text);
        Assert.Contains("urn:ietf:params:xml:ns:xmpp-tls", text, StringComparison.Ordinal);
        Assert.Contains("<starttls", text, StringComparison.Ordinal);
    }
}
