using Mesh.Transport.Certificates;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Mesh.Transport.Dtls;

/// <summary>The client side of Mesh's DTLS 1.2 handshake, as BouncyCastle's TLS peer.</summary>
internal sealed class MeshDtlsClient(BcTlsCrypto crypto, DeviceCertificate local, PeerCertificateCheck check, int handshakeTimeoutMillis)
    : DefaultTlsClient(crypto)
{
    private readonly BcTlsCrypto _crypto = crypto;

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override int GetHandshakeTimeoutMillis() => handshakeTimeoutMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsCipherSuites.All;

    private sealed class Authentication(MeshDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) => client.NotifyServer(serverCertificate.Certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            LocalCredentials.Create(client.m_context, client._crypto, client.Local);
    }

    private DeviceCertificate Local => local;

    private void NotifyServer(Certificate certificate) => check.Check(certificate);
}
