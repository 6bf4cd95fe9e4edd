using Mesh.Transport.Certificates;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Mesh.Transport.Dtls;

/// <summary>
/// The server side of Mesh's DTLS 1.2 handshake, as BouncyCastle's TLS peer. It requires a client
/// certificate (the peer's identity is its fingerprint) and offers only DTLS 1.2, so a browser that also
/// offers 1.3 negotiates 1.2; BouncyCastle's handshake layer reassembles a ClientHello that arrives in
/// several fragments (a post-quantum key share makes it larger than one datagram).
/// </summary>
internal sealed class MeshDtlsServer(BcTlsCrypto crypto, DeviceCertificate local, PeerCertificateCheck check, int handshakeTimeoutMillis)
    : DefaultTlsServer(crypto)
{
    private readonly BcTlsCrypto _crypto = crypto;

    public override int GetHandshakeTimeoutMillis() => handshakeTimeoutMillis;

    public override CertificateRequest GetCertificateRequest()
    {
        var algorithms = new List<SignatureAndHashAlgorithm>
        {
            new(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
            new(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
            new(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa),
        };
        return new CertificateRequest([ClientCertificateType.ecdsa_sign], algorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate) => check.Check(clientCertificate);

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsCipherSuites.All;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => LocalCredentials.Create(m_context, _crypto, local);
}
