using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Mesh.Transport.Sctp.Parameters;

/// <summary>
/// The state cookie Mesh puts in INIT ACK (RFC 9260 section 5.1.3): everything needed to create the
/// association when COOKIE ECHO returns it, so no state is held for an unanswered INIT, authenticated
/// with HMAC-SHA-256 under a per-association secret so a forged or altered cookie is refused.
/// </summary>
public readonly record struct StateCookie(
    long CreatedMilliseconds,
    uint LocalTag,
    uint PeerTag,
    uint LocalInitialTsn,
    uint PeerInitialTsn,
    uint PeerWindow,
    ushort PeerOutboundStreams,
    ushort PeerInboundStreams,
    bool PeerForwardTsn)
{
    private const int BodySize = 8 + 4 * 5 + 2 * 2 + 1;

    /// <summary>The encoded size, MAC included.</summary>
    public const int Size = BodySize + 32;

    /// <summary>Writes the cookie with its MAC.</summary>
    public void WriteTo(Span<byte> destination, ReadOnlySpan<byte> secret)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, CreatedMilliseconds);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], LocalTag);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], PeerTag);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LocalInitialTsn);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], PeerInitialTsn);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], PeerWindow);
        BinaryPrimitives.WriteUInt16BigEndian(destination[28..], PeerOutboundStreams);
        BinaryPrimitives.WriteUInt16BigEndian(destination[30..], PeerInboundStreams);
        destination[32] = PeerForwardTsn ? (byte)1 : (byte)0;
        HMACSHA256.HashData(secret, destination[..BodySize], destination[BodySize..Size]);
    }

    /// <summary>Parses a cookie and checks its MAC; false if it is the wrong size or was not made with <paramref name="secret"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, ReadOnlySpan<byte> secret, out StateCookie cookie)
    {
        cookie = default;
        if (data.Length != Size)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, data[..BodySize], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, data[BodySize..]))
        {
            return false;
        }

        cookie = new StateCookie(
            BinaryPrimitives.ReadInt64BigEndian(data),
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[20..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[24..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[28..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[30..]),
            data[32] != 0);
        return true;
    }
}
