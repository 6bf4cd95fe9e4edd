using Mesh.Transport.Certificates;
using Mesh.Transport.Dtls;
using Mesh.Transport.Sdp;

namespace Mesh.Transport.Tests.Sdp;

public sealed class DataChannelDescriptionTests
{
    private const string Fingerprint = "3A:1F:09:6C:D4:52:8E:77:01:AB:CD:EF:10:32:54:76:98:BA:DC:FE:00:11:22:33:44:55:66:77:88:99:AA:BB";

    // The shape of a data-channel-only offer from a current libwebrtc, including attributes Mesh ignores.
    private const string BrowserOffer =
        "v=0\r\n" +
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "t=0 0\r\n" +
        "a=group:BUNDLE 0\r\n" +
        "a=extmap-allow-mixed\r\n" +
        "a=msid-semantic: WMS\r\n" +
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "a=candidate:1467250027 1 udp 2122260223 127.0.0.1 46243 typ host generation 0 network-id 1\r\n" +
        "a=candidate:1467250028 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0\r\n" +
        "a=ice-ufrag:Gk3e\r\n" +
        "a=ice-pwd:QpB0d+8pWTsR6yXWcQe4Jk1Z\r\n" +
        "a=ice-options:trickle\r\n" +
        "a=fingerprint:sha-256 " + Fingerprint + "\r\n" +
        "a=setup:actpass\r\n" +
        "a=mid:0\r\n" +
        "a=sctp-port:5000\r\n" +
        "a=max-message-size:262144\r\n";

    [Fact]
    public void BrowserStyleOfferIsParsed()
    {
        Assert.True(DataChannelDescription.TryParse(BrowserOffer, out var offer, out var error), error);
        Assert.Equal("Gk3e", offer.IceUfrag);
        Assert.Equal("QpB0d+8pWTsR6yXWcQe4Jk1Z", offer.IcePwd);
        Assert.Equal(Fingerprint, offer.Fingerprint.ToString());
        Assert.Equal(SdpSetup.ActPass, offer.Setup);
        Assert.Equal("0", offer.Mid);
        Assert.Equal((ushort)5000, offer.SctpPort);
        Assert.Equal(262144, offer.MaxMessageSize);
        Assert.Equal(2, offer.Candidates.Count);
        Assert.StartsWith("candidate:1467250027 1 udp", offer.Candidates[0], StringComparison.Ordinal);
        Assert.Equal(4611731400430051336ul, offer.SessionId);
    }

    [Fact]
    public void ProducedDescriptionParsesBackToTheSameValues()
    {
        Assert.True(CertificateFingerprint.TryParse(Fingerprint, out var fingerprint));
        var answer = new DataChannelDescription
        {
            SessionId = 42,
            IceUfrag = "abcd",
            IcePwd = "0123456789012345678901",
            Fingerprint = fingerprint,
            Setup = SdpSetup.Active,
            SctpPort = 5001,
            MaxMessageSize = 262144,
            Candidates = ["candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host"],
            EndOfCandidates = true,
        };
        var text = answer.ToString();
        Assert.Contains("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n", text, StringComparison.Ordinal);
        Assert.Contains("a=group:BUNDLE 0\r\n", text, StringComparison.Ordinal);
        Assert.True(DataChannelDescription.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(answer with { Candidates = parsed.Candidates }, parsed);
        Assert.Equal(answer.Candidates, parsed.Candidates);
    }

    [Fact]
    public void MissingMaxMessageSizeMeans64KiBAndZeroMeansUnlimited()
    {
        var without = BrowserOffer.Replace("a=max-message-size:262144\r\n", string.Empty, StringComparison.Ordinal);
        Assert.True(DataChannelDescription.TryParse(without, out var offer, out _));
        Assert.Null(offer.MaxMessageSize);
        Assert.Equal(65536, offer.EffectiveMaxMessageSize);
        Assert.Equal(int.MaxValue, (offer with { MaxMessageSize = 0 }).EffectiveMaxMessageSize);
    }

    [Fact]
    public void SessionLevelCredentialsAndFingerprintAreUsed()
    {
        var moved = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:sess\r\na=ice-pwd:sessionpassword1234567\r\n" +
            "a=fingerprint:sha-256 " + Fingerprint + "\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:data\r\na=setup:passive\r\n";
        Assert.True(DataChannelDescription.TryParse(moved, out var description, out var error), error);
        Assert.Equal("sess", description.IceUfrag);
        Assert.Equal("data", description.Mid);
        Assert.Equal(SdpSetup.Passive, description.Setup);
    }

    [Theory]
    [InlineData("a=fingerprint:sha-256 " + Fingerprint + "\r\n", "fingerprint")]
    [InlineData("a=ice-pwd:QpB0d+8pWTsR6yXWcQe4Jk1Z\r\n", "ice-pwd")]
    [InlineData("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n", "m=application")]
    public void DescriptionWithoutARequiredPartIsRefusedWithAReason(string removed, string mentioned)
    {
        var broken = BrowserOffer.Replace(removed, string.Empty, StringComparison.Ordinal);
        Assert.False(DataChannelDescription.TryParse(broken, out _, out var error));
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SdpSetup.Active, SdpSetup.ActPass, DtlsRole.Client)]
    [InlineData(SdpSetup.Passive, SdpSetup.ActPass, DtlsRole.Server)]
    [InlineData(SdpSetup.ActPass, SdpSetup.Active, DtlsRole.Server)]
    [InlineData(SdpSetup.ActPass, SdpSetup.Passive, DtlsRole.Client)]
    public void SetupValuesDecideTheDtlsRole(SdpSetup local, SdpSetup remote, DtlsRole expected) =>
        Assert.Equal(expected, SdpRoles.LocalRole(local, remote));

    [Fact]
    public void SetupValuesThatDoNotDecideAreRefused()
    {
        Assert.Throws<FormatException>(() => SdpRoles.LocalRole(SdpSetup.ActPass, SdpSetup.ActPass));
        Assert.Throws<FormatException>(() => SdpRoles.LocalRole(SdpSetup.Active, SdpSetup.Active));
        Assert.Equal(SdpSetup.Active, SdpRoles.Answer(SdpSetup.ActPass));
    }
}
