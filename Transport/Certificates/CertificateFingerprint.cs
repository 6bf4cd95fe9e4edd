using System.Security.Cryptography;

namespace Mesh.Transport.Certificates;

/// <summary>
/// The SHA-256 fingerprint of a DER certificate, written as SDP (<c>a=fingerprint:sha-256</c>, RFC 8122)
/// and XEP-0320 write it: upper-case hex byte pairs joined by colons, <c>AB:CD:…</c>.
/// </summary>
public readonly record struct CertificateFingerprint
{
    private readonly byte[]? _hash;

    private CertificateFingerprint(byte[] hash) => _hash = hash;

    /// <summary>The hash algorithm's name as SDP writes it.</summary>
    public static string Algorithm => "sha-256";

    /// <summary>The 32 hash bytes.</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>Fingerprints a DER-encoded certificate.</summary>
    public static CertificateFingerprint Of(ReadOnlySpan<byte> der) => new(SHA256.HashData(der));

    /// <summary>Parses the <c>AB:CD:…</c> form (case-insensitive); false unless it is exactly 32 hex pairs.</summary>
    public static bool TryParse(string? text, out CertificateFingerprint fingerprint)
    {
        fingerprint = default;
        if (text is null || text.Length != 32 * 3 - 1)
        {
            return false;
        }

        var hash = new byte[32];
        for (var i = 0; i < 32; i++)
        {
            if (i > 0 && text[i * 3 - 1] != ':')
            {
                return false;
            }

            var high = HexValue(text[i * 3]);
            var low = HexValue(text[i * 3 + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            hash[i] = (byte)(high << 4 | low);
        }

        fingerprint = new CertificateFingerprint(hash);
        return true;
    }

    /// <summary>True if both fingerprints hold the same hash; compared in constant time.</summary>
    public bool Equals(CertificateFingerprint other) =>
        _hash is not null && other._hash is not null && CryptographicOperations.FixedTimeEquals(_hash, other._hash);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash is null ? 0 : BitConverter.ToInt32(_hash, 0);

    /// <summary>The <c>AB:CD:…</c> form.</summary>
    public override string ToString() => _hash is null ? string.Empty : Convert.ToHexString(_hash).Chunk(2).Aggregate(
        new System.Text.StringBuilder(), (b, pair) => (b.Length > 0 ? b.Append(':') : b).Append(pair)).ToString();

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
