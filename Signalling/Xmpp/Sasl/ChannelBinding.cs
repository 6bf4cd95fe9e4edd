using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Signalling.Xmpp.Sasl;

/// <summary>Channel-binding data for SCRAM-*-PLUS: the type's name (RFC 5929) and its bytes.</summary>
internal sealed record ChannelBinding(string Type, byte[] Data)
{
    /// <summary>The binding type this client can compute from .NET's TLS stack.</summary>
    public const string TlsServerEndPoint = "tls-server-end-point";

    /// <summary>
    /// tls-server-end-point (RFC 5929 section 4.1): the hash of the server certificate with the hash of
    /// its signature algorithm, SHA-256 when that is MD5 or SHA-1. Null when the algorithm has no
    /// defined hash (e.g. EdDSA), since then the binding is undefined.
    /// </summary>
    public static ChannelBinding? ForServerCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] raw = certificate.RawData;
        byte[]? hash = certificate.SignatureAlgorithm.Value switch
        {
            "1.2.840.113549.1.1.4" or "1.2.840.113549.1.1.5" or "1.2.840.10045.4.1"
                or "1.2.840.113549.1.1.11" or "1.2.840.10045.4.3.2" or "1.2.840.113549.1.1.10" => SHA256.HashData(raw),
            "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" => SHA384.HashData(raw),
            "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" => SHA512.HashData(raw),
            _ => null,
        };
        return hash is null ? null : new ChannelBinding(TlsServerEndPoint, hash);
    }
}
