using System.Net;
using Mesh.Transport.Ice;

namespace Mesh.Transport.Tests.Ice;

public class CandidateSdpTests
{
    [Fact]
    public void A_host_candidate_is_written_in_rfc_8839_syntax()
    {
        var candidate = new Candidate("1", 1, "udp", 2130706431, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5000), CandidateType.Host);

        Assert.Equal("candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host", candidate.ToSdp());
    }

    [Fact]
    public void Reflexive_candidates_carry_their_related_address()
    {
        var candidate = new Candidate("42", 1, "udp", 1694498815, new IPEndPoint(IPAddress.Parse("198.51.100.7"), 61000), CandidateType.ServerReflexive, new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));

        var text = candidate.ToSdp();

        Assert.Equal("candidate:42 1 udp 1694498815 198.51.100.7 61000 typ srflx raddr 10.0.0.2 rport 5000", text);
        Assert.True(Candidate.TryParse(text, out var parsed));
        Assert.Equal(candidate, parsed);
    }

    [Theory]
    [InlineData("a=candidate:3 1 UDP 41885439 2001:db8::5 3478 typ relay raddr 198.51.100.7 rport 61000 generation 0 ufrag abcd network-id 1", CandidateType.Relayed, "2001:db8::5", 3478)]
    [InlineData("candidate:x+/Y 1 udp 2122260223 10.1.2.3 9 typ prflx", CandidateType.PeerReflexive, "10.1.2.3", 9)]
    [InlineData("5 1 udp 100 192.0.2.9 1 typ host", CandidateType.Host, "192.0.2.9", 1)]
    public void Browser_style_attributes_parse_and_extensions_are_skipped(string text, CandidateType type, string address, int port)
    {
        Assert.True(Candidate.TryParse(text, out var candidate));
        Assert.Equal(type, candidate.Type);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), candidate.EndPoint);
        Assert.Equal("udp", candidate.Transport);
    }

    [Theory]
    [InlineData("")]
    [InlineData("candidate:1 1 udp 100 192.0.2.1 5000 typ")]
    [InlineData("candidate:1 1 udp 100 192.0.2.1 5000 type host")]
    [InlineData("candidate:1 1 udp 100 a1b2c3.local 5000 typ host")]
    [InlineData("candidate:1 1 udp 100 1 5000 typ host")]
    [InlineData("candidate:1 0 udp 100 192.0.2.1 5000 typ host")]
    [InlineData("candidate:1 1 udp 0 192.0.2.1 5000 typ host")]
    [InlineData("candidate:1 1 udp 100 192.0.2.1 70000 typ host")]
    [InlineData("candidate:1 1 udp 100 192.0.2.1 5000 typ bogus")]
    [InlineData("candidate:1 1 udp -5 192.0.2.1 5000 typ host")]
    [InlineData("candidate:f_o 1 udp 100 192.0.2.1 5000 typ host")]
    [InlineData("candidate:1 1 udp 100 192.0.2.1 5000 typ srflx raddr nowhere rport 1")]
    public void Malformed_attributes_are_rejected(string text)
    {
        Assert.False(Candidate.TryParse(text, out _));
    }
}
