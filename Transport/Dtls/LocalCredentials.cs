using Mesh.Transport.Certificates;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Mesh.Transport.Dtls;

/// <summary>Builds BouncyCastle's signing credentials from a <see cref="DeviceCertificate"/>.</summary>
internal static class LocalCredentials
{
    public static TlsCredentialedSigner Create(TlsContext context, BcTlsCrypto crypto, DeviceCertificate certificate)
    {
        var chain = new Certificate([new BcTlsCertificate(crypto, certificate.Der)]);
        var algorithm = new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.PrivateKey, chain, algorithm);
    }
}
