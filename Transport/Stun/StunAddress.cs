using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Transport.Stun;

/// <summary>
/// The address attribute format (RFC 8489 sections 14.1 and 14.2): family, port and address, optionally
/// XOR-ed with the magic cookie and the transaction ID so NATs that rewrite addresses in payloads miss it.
/// </summary>
internal static class StunAddress
{
    public const uint MagicCookie = 0x2112A442;

    private const byte FamilyV4 = 0x01;
    private const byte FamilyV6 = 0x02;

    public static int Length(IPEndPoint endPoint) => Canonical(endPoint.Address).AddressFamily == AddressFamily.InterNetwork ? 8 : 20;

    public static int Write(Span<byte> destination, IPEndPoint endPoint, bool xor, StunTransactionId transactionId)
    {
        var address = Canonical(endPoint.Address);
        var v4 = address.AddressFamily == AddressFamily.InterNetwork;
        var length = v4 ? 8 : 20;
        destination[0] = 0;
        destination[1] = v4 ? FamilyV4 : FamilyV6;
        var port = (ushort)endPoint.Port;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], xor ? (ushort)(port ^ (MagicCookie >> 16)) : port);
        var bytes = destination[4..length];
        if (!address.TryWriteBytes(bytes, out _))
        {
            throw new ArgumentException("Unsupported address family.", nameof(endPoint));
        }

        if (xor)
        {
            Mask(bytes, transactionId);
        }

        return length;
    }

    public static bool TryRead(ReadOnlySpan<byte> value, bool xor, StunTransactionId transactionId, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (value.Length < 4)
        {
            return false;
        }

        var family = value[1];
        var addressLength = family switch
        {
            FamilyV4 => 4,
            FamilyV6 => 16,
            _ => -1,
        };
        if (addressLength < 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        Span<byte> bytes = stackalloc byte[16];
        bytes = bytes[..addressLength];
        value.Slice(4, addressLength).CopyTo(bytes);
        if (xor)
        {
            port ^= (ushort)(MagicCookie >> 16);
            Mask(bytes, transactionId);
        }

        endPoint = new IPEndPoint(new IPAddress(bytes), port);
        return true;
    }

    /// <summary>IPv4-mapped IPv6 addresses (what dual-mode sockets report) are written as the IPv4 address they are.</summary>
    public static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static void Mask(Span<byte> address, StunTransactionId transactionId)
    {
        Span<byte> key = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(key, MagicCookie);
        transactionId.WriteTo(key[4..]);
        for (var i = 0; i < address.Length; i++)
        {
            address[i] ^= key[i];
        }
    }
}
