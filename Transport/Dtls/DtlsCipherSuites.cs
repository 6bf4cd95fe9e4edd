using Org.BouncyCastle.Tls;

namespace Mesh.Transport.Dtls;

/// <summary>The cipher suites Mesh offers and accepts, strongest first; all are ones current browsers accept.</summary>
internal static class DtlsCipherSuites
{
    /// <summary>ECDHE key exchange with an ECDSA certificate and an AEAD cipher.</summary>
    public static int[] All { get; } =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];
}
