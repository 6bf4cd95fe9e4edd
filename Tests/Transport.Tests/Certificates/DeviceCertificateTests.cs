using System.Text.RegularExpressions;
using Mesh.Transport.Certificates;

namespace Mesh.Transport.Tests.Certificates;

public sealed class DeviceCertificateTests
{
    [Fact]
    public void GeneratedCertificateIsSelfSignedP256AndVerifies()
    {
        var certificate = DeviceCertificate.Generate("device", DateTimeOffset.UtcNow);
        Assert.True(certificate.Verify());
        Assert.Equal("CN=device", certificate.Certificate.SubjectDN.ToString());
        Assert.Equal(certificate.Certificate.IssuerDN.ToString(), certificate.Certificate.SubjectDN.ToString());
        var key = Assert.IsType<Org.BouncyCastle.Crypto.Parameters.ECPrivateKeyParameters>(certificate.PrivateKey);
        Assert.Equal(256, key.Parameters.Curve.FieldSize);
    }

    [Fact]
    public void FingerprintIsUpperCaseHexPairsJoinedByColons()
    {
        var certificate = DeviceCertificate.Generate("device", DateTimeOffset.UtcNow);
        var text = certificate.Fingerprint.ToString();
        Assert.Matches(new Regex("^([0-9A-F]{2}:){31}[0-9A-F]{2}$"), text);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(certificate.Der), certificate.Fingerprint.Hash.ToArray());
    }

    [Fact]
    public void FingerprintParsesCaseInsensitivelyAndRejectsMalformedText()
    {
        var fingerprint = DeviceCertificate.Generate("device", DateTimeOffset.UtcNow).Fingerprint;
        Assert.True(CertificateFingerprint.TryParse(fingerprint.ToString().ToLowerInvariant(), out var parsed));
        Assert.Equal(fingerprint, parsed);
        Assert.False(CertificateFingerprint.TryParse(fingerprint.ToString()[..^3], out _));
        Assert.False(CertificateFingerprint.TryParse(fingerprint.ToString().Replace(':', '-'), out _));
        Assert.False(CertificateFingerprint.TryParse("ZZ" + fingerprint.ToString()[2..], out _));
        Assert.False(CertificateFingerprint.TryParse(null, out _));
    }

    [Fact]
    public void PemRoundTripKeepsKeyAndFingerprint()
    {
        var certificate = DeviceCertificate.Generate("device", DateTimeOffset.UtcNow);
        var pem = certificate.ToPem();
        Assert.Contains("BEGIN CERTIFICATE", pem, StringComparison.Ordinal);
        Assert.Contains("BEGIN PRIVATE KEY", pem, StringComparison.Ordinal);
        var loaded = DeviceCertificate.FromPem(pem);
        Assert.Equal(certificate.Fingerprint, loaded.Fingerprint);
        Assert.True(loaded.Verify());
    }

    [Fact]
    public void PemWithAnotherDevicesKeyIsRefused()
    {
        var one = DeviceCertificate.Generate("one", DateTimeOffset.UtcNow).ToPem();
        var two = DeviceCertificate.Generate("two", DateTimeOffset.UtcNow).ToPem();
        var mixed = one[..(one.IndexOf("-----BEGIN PRIVATE KEY", StringComparison.Ordinal))] + two[two.IndexOf("-----BEGIN PRIVATE KEY", StringComparison.Ordinal)..];
        Assert.Throws<FormatException>(() => DeviceCertificate.FromPem(mixed));
        Assert.Throws<FormatException>(() => DeviceCertificate.FromPem("not pem"));
    }

    [Fact]
    public void DifferentCertificatesHaveDifferentFingerprints()
    {
        var one = DeviceCertificate.Generate("same", DateTimeOffset.UtcNow);
        var two = DeviceCertificate.Generate("same", DateTimeOffset.UtcNow);
        Assert.NotEqual(one.Fingerprint, two.Fingerprint);
    }
}
