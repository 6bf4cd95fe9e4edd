using Mesh.Transport.Certificates;
using Org.BouncyCastle.Tls;

namespace Mesh.Transport.Dtls;

/// <summary>
/// Accepts the peer's certificate only if its SHA-256 fingerprint is the one signalled out of band, and
/// remembers why it refused, so the handshake's failure can say so plainly instead of "bad_certificate".
/// </summary>
internal sealed class PeerCertificateCheck(CertificateFingerprint expected)
{
    public CertificateFingerprint Expected { get; } = expected;

    public CertificateFingerprint? Actual { get; private set; }

    public string? Failure { get; private set; }

    public void Check(Certificate? certificate)
    {
        if (certificate is null || certificate.IsEmpty)
        {
            Failure = "the peer sent no certificate";
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }

        var actual = CertificateFingerprint.Of(certificate.GetCertificateAt(0).GetEncoded());
        Actual = actual;
        if (!actual.Equals(Expected))
        {
            Failure = $"the peer's certificate fingerprint {actual} does not match the expected {Expected}";
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
    }
}
