using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Signalling.Xmpp;
using Mesh.Signalling.Xmpp.Connection;

namespace Mesh.Signalling.Tests.Xmpp.Connection;

public sealed class ServerCertificateValidatorTests
{
    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public void A_matching_pin_accepts_despite_chain_errors_and_a_wrong_pin_names_the_fingerprint()
    {
        using var cert = SelfSigned("pinned.test");
        var pin = SHA256.HashData(cert.RawData);
        var good = new ServerCertificateValidator(null, pin);
        Assert.True(good.Validate(null, cert, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Null(good.FailureReason);

        var bad = new ServerCertificateValidator(null, new byte[32]);
        Assert.False(bad.Validate(null, cert, null, SslPolicyErrors.None));
        Assert.Contains(ServerCertificateValidator.Fingerprint(cert), bad.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_mismatch_is_refused_even_with_an_extra_ca()
    {
        using var cert = SelfSigned("other.test");
        var validator = new ServerCertificateValidator([cert], null);
        Assert.False(validator.Validate(null, cert, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Contains("not valid for this domain", validator.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_signed_by_the_extra_ca_is_accepted_and_others_are_refused_with_the_chain_status()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=server.test", leafKey, HashAlgorithmName.SHA256);
        using var leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);

        var trusting = new ServerCertificateValidator([ca], null);
        Assert.True(trusting.Validate(null, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));

        using var stranger = SelfSigned("stranger");
        var refusing = new ServerCertificateValidator([stranger], null);
        Assert.False(refusing.Validate(null, leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains("configured CA file", refusing.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_ca_file_is_a_certificate_error_naming_the_file()
    {
        var e = Assert.Throws<XmppException>(() => ServerCertificateValidator.LoadCaFile("/nonexistent/ca.pem"));
        Assert.Equal(XmppErrorKind.Certificate, e.Kind);
        Assert.Contains("/nonexistent/ca.pem", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("AB:CD")]
    public void Malformed_pins_are_rejected(string pin) =>
        Assert.Equal(XmppErrorKind.Certificate, Assert.Throws<XmppException>(() => ServerCertificateValidator.ParsePin(pin)).Kind);
}
