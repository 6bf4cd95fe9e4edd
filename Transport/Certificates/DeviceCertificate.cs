using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Mesh.Transport.Certificates;

/// <summary>
/// A device's long-term ECDSA P-256 key and its self-signed certificate, the identity DTLS presents.
/// Peers do not validate it against a CA: they compare its <see cref="Fingerprint"/> with the one
/// signalled out of band (SDP <c>a=fingerprint</c>, XEP-0320). The caller persists it with
/// <see cref="ToPem"/> and reloads it with <see cref="FromPem"/>.
/// </summary>
public sealed class DeviceCertificate
{
    private DeviceCertificate(X509Certificate certificate, AsymmetricKeyParameter privateKey)
    {
        Certificate = certificate;
        PrivateKey = privateKey;
        Der = certificate.GetEncoded();
        Fingerprint = CertificateFingerprint.Of(Der);
    }

    /// <summary>The certificate in BouncyCastle's form, for the DTLS layer.</summary>
    public X509Certificate Certificate { get; }

    /// <summary>The private key in BouncyCastle's form, for the DTLS layer.</summary>
    public AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>The certificate's DER encoding.</summary>
    public byte[] Der { get; }

    /// <summary>The SHA-256 fingerprint of <see cref="Der"/>.</summary>
    public CertificateFingerprint Fingerprint { get; }

    /// <summary>
    /// Generates a fresh key pair and a certificate valid from a day before <paramref name="now"/> (clock
    /// skew between devices) for <paramref name="years"/> years.
    /// </summary>
    public static DeviceCertificate Generate(string commonName, DateTimeOffset now, int years = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(commonName);
        var random = new Org.BouncyCastle.Security.SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.X9.X9ObjectIdentifiers.Prime256v1, random));
        var keys = generator.GenerateKeyPair();

        var name = new X509Name("CN=" + commonName);
        var serial = new byte[16];
        random.NextBytes(serial);
        serial[0] &= 0x7F; // a positive INTEGER
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(new BigInteger(1, serial));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(now.UtcDateTime.AddDays(-1));
        builder.SetNotAfter(now.UtcDateTime.AddYears(years));
        builder.SetPublicKey(keys.Public);
        var certificate = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));
        return new DeviceCertificate(certificate, keys.Private);
    }

    /// <summary>Writes the certificate and its private key (PKCS#8, unencrypted) as one PEM text.</summary>
    public string ToPem()
    {
        var text = new StringBuilder();
        using (var writer = new StringWriter(text, CultureInfo.InvariantCulture))
        {
            var pem = new PemWriter(writer);
            pem.WriteObject(Certificate);
            pem.WriteObject(new Pkcs8Generator(PrivateKey));
        }

        return text.ToString();
    }

    /// <summary>Reads what <see cref="ToPem"/> wrote; throws <see cref="FormatException"/> if either part is missing or they do not match.</summary>
    public static DeviceCertificate FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        X509Certificate? certificate = null;
        AsymmetricKeyParameter? key = null;
        using (var reader = new StringReader(pem))
        {
            var parser = new PemReader(reader);
            object? item;
            while ((item = ReadPemObject(parser)) is not null)
            {
                switch (item)
                {
                    case X509Certificate c: certificate = c; break;
                    case AsymmetricCipherKeyPair pair: key = pair.Private; break;
                    case AsymmetricKeyParameter { IsPrivate: true } k: key = k; break;
                }
            }
        }

        if (certificate is null || key is not ECPrivateKeyParameters ecKey)
        {
            throw new FormatException("The PEM text must hold one certificate and its EC private key.");
        }

        var derived = ecKey.Parameters.G.Multiply(ecKey.D).Normalize();
        if (certificate.GetPublicKey() is not ECPublicKeyParameters publicKey || !publicKey.Q.Equals(derived))
        {
            throw new FormatException("The private key does not belong to the certificate.");
        }

        return new DeviceCertificate(certificate, key);
    }

    private static object? ReadPemObject(PemReader parser)
    {
        try
        {
            return parser.ReadObject();
        }
        catch (Exception e) when (e is IOException or PemException or ArgumentException or InvalidOperationException)
        {
            throw new FormatException("The PEM text is malformed.", e);
        }
    }

    /// <summary>A self-check used by tests and <c>doctor</c>-style callers: the key signs and the certificate verifies.</summary>
    public bool Verify()
    {
        try
        {
            Certificate.Verify(Certificate.GetPublicKey());
            var signer = SignerUtilities.GetSigner("SHA256WITHECDSA");
            signer.Init(true, PrivateKey);
            var data = SHA256.HashData(Der);
            signer.BlockUpdate(data, 0, data.Length);
            var signature = signer.GenerateSignature();
            signer.Init(false, Certificate.GetPublicKey());
            signer.BlockUpdate(data, 0, data.Length);
            return signer.VerifySignature(signature);
        }
        catch (GeneralSecurityException)
        {
            return false;
        }
    }
}
