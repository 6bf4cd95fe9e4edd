using System.Xml.Linq;
using Mesh.Signalling.Xmpp.Extensions;

namespace Mesh.Signalling.Tests.Xmpp.Extensions;

public sealed class ExternalServiceParserTests
{
    [Theory]
    [InlineData("urn:xmpp:extdisco:2")]
    [InlineData("urn:xmpp:extdisco:1")]
    public void Services_are_read_in_both_namespaces(string ns)
    {
        var xml = $"""
            <services xmlns='{ns}'>
              <service type='stun' host='stun.example.org' port='3478' transport='udp'/>
              <service type='turn' host='turn.example.org' port='3478' transport='udp' username='1700000000:alice' password='c2VjcmV0' expires='2026-11-28T10:00:00Z' restricted='1'/>
              <service type='turn' port='3478'/>
              <service type='turns' host='turn.example.org' port='99999'/>
            </services>
            """;
        var services = ExternalServiceParser.Parse(XElement.Parse(xml));
        Assert.Equal(3, services.Count);
        var turn = services[1];
        Assert.Equal(("turn", "turn.example.org", 3478, "udp"), (turn.Type, turn.Host, turn.Port!.Value, turn.Transport));
        Assert.Equal("1700000000:alice", turn.Username);
        Assert.True(turn.Restricted);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero), turn.Expires);
        Assert.Null(services[2].Port);
        Assert.DoesNotContain("c2VjcmV0", turn.ToString(), StringComparison.Ordinal);
    }
}
