using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Mesh.Transport.Dtls;

/// <summary>
/// BouncyCastle's crypto for the handshake, with AES-GCM record protection by <see cref="AesGcmRecordCipher"/>:
/// bulk data is AES-GCM (the suite Mesh and browsers prefer), and that is where per-byte CPU goes.
/// </summary>
internal sealed class MeshTlsCrypto(Org.BouncyCastle.Security.SecureRandom random) : BcTlsCrypto(random)
{
    /// <summary>The decrypting half of the last AES-GCM cipher created: the peer's records in the current epoch.</summary>
    public AesGcmRecordCipher? Decryptor { get; private set; }

    /// <summary>The encrypting half of the last AES-GCM cipher created: this side's records in the current epoch.</summary>
    public AesGcmRecordCipher? Encryptor { get; private set; }

    protected override TlsAeadCipher CreateCipher_Aes_Gcm(TlsCryptoParameters cryptoParams, int cipherKeySize, int macSize)
    {
        var decryptor = new AesGcmRecordCipher(false);
        var encryptor = new AesGcmRecordCipher(true);
        var cipher = new TlsAeadCipher(cryptoParams, encryptor, decryptor, cipherKeySize, macSize, TlsAeadCipher.AEAD_GCM);
        Decryptor = decryptor;
        Encryptor = encryptor;
        return cipher;
    }
}
