using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Peer.Identity;

/// <summary>
/// A device's identity on the wire and to users: the SHA-256 of its public key (SubjectPublicKeyInfo
/// DER). Shown as 52 base32 characters of the hash plus 4 check characters, in eight groups of seven
/// separated by dashes, e.g. <c>MFRGGZD-…</c>. The check characters are 20 bits of a separate hash
/// over the ID, so a mistyped or swapped character is caught with probability 1 − 2⁻²⁰.
/// </summary>
internal readonly struct DeviceId : IEquatable<DeviceId>
{
    /// <summary>Bytes in a device ID.</summary>
    public const int Length = 32;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const int DataChars = 52;
    private const int CheckChars = 4;
    private const int GroupSize = 7;

    private readonly byte[]? _bytes;

    private DeviceId(byte[] bytes) => _bytes = bytes;

    /// <summary>The all-zero ID, used for "no device".</summary>
    public static DeviceId Empty { get; } = new(new byte[Length]);

    /// <summary>The raw 32 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? Empty._bytes!;

    /// <summary>
    /// The 64-bit short ID: the first eight bytes, big-endian. Version vectors key their counters by it,
    /// so one counter costs 16 bytes rather than 40.
    /// </summary>
    public ulong ShortId => BinaryPrimitives.ReadUInt64BigEndian(Bytes);

    /// <summary>The first group of the readable form, for conflict file names and logs.</summary>
    public string Short => ToString()[..GroupSize];

    /// <summary>
    /// The first group of the readable form of any device whose short ID is <paramref name="shortId"/>:
    /// seven base32 characters are 35 bits, all inside the short ID.
    /// </summary>
    public static string ShortOf(ulong shortId)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, shortId);
        Span<char> chars = stackalloc char[13];
        Base32Encode(bytes, chars);
        return new string(chars[..GroupSize]);
    }

    /// <summary>The ID of a public key given as SubjectPublicKeyInfo DER.</summary>
    public static DeviceId FromPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo) => new(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>Wraps 32 raw bytes (from the wire); false when the length is wrong.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out DeviceId id)
    {
        if (bytes.Length != Length)
        {
            id = Empty;
            return false;
        }

        id = new DeviceId(bytes.ToArray());
        return true;
    }

    /// <summary>Parses the readable form; case, dashes and spaces do not matter, the check characters do.</summary>
    public static bool TryParse(string? text, out DeviceId id)
    {
        id = Empty;
        if (text is null)
        {
            return false;
        }

        Span<char> chars = stackalloc char[DataChars + CheckChars];
        var count = 0;
        foreach (var c in text)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            if (count == chars.Length)
            {
                return false;
            }

            chars[count++] = char.ToUpperInvariant(c);
        }

        if (count != chars.Length)
        {
            return false;
        }

        var bytes = new byte[Length];
        if (!Base32Decode(chars[..DataChars], bytes))
        {
            return false;
        }

        Span<char> check = stackalloc char[CheckChars];
        WriteCheck(bytes, check);
        if (!check.SequenceEqual(chars[DataChars..]))
        {
            return false;
        }

        id = new DeviceId(bytes);
        return true;
    }

    /// <summary>Parses the readable form or throws <see cref="FormatException"/>.</summary>
    public static DeviceId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a valid device ID.");

    /// <inheritdoc />
    public override string ToString()
    {
        Span<char> chars = stackalloc char[DataChars + CheckChars];
        Base32Encode(Bytes, chars[..DataChars]);
        WriteCheck(Bytes, chars[DataChars..]);
        var builder = new StringBuilder(chars.Length + (chars.Length / GroupSize));
        for (var i = 0; i < chars.Length; i++)
        {
            if (i > 0 && i % GroupSize == 0)
            {
                builder.Append('-');
            }

            builder.Append(chars[i]);
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public bool Equals(DeviceId other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DeviceId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(Bytes);

    /// <summary>Equality by bytes.</summary>
    public static bool operator ==(DeviceId left, DeviceId right) => left.Equals(right);

    /// <summary>Inequality by bytes.</summary>
    public static bool operator !=(DeviceId left, DeviceId right) => !left.Equals(right);

    // A domain-separated hash, so the check is independent of the ID bits it protects.
    private static void WriteCheck(ReadOnlySpan<byte> id, Span<char> destination)
    {
        Span<byte> input = stackalloc byte[Length + 15];
        "mesh-device-id:"u8.CopyTo(input);
        id.CopyTo(input[15..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        var bits = (digest[0] << 12) | (digest[1] << 4) | (digest[2] >> 4);
        for (var i = CheckChars - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[bits & 31];
            bits >>= 5;
        }
    }

    private static void Base32Encode(ReadOnlySpan<byte> data, Span<char> destination)
    {
        int buffer = 0, bits = 0, o = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                destination[o++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            destination[o] = Alphabet[(buffer << (5 - bits)) & 31];
        }
    }

    private static bool Base32Decode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        int buffer = 0, bits = 0, o = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                if (o == destination.Length)
                {
                    return false;
                }

                destination[o++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }

        // 52 characters carry 260 bits: the last 4 must be zero, or two spellings would mean one ID.
        return o == destination.Length && (buffer & ((1 << bits) - 1)) == 0;
    }
}
