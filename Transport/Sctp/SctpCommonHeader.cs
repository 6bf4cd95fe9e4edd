using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Mesh.Transport.Sctp;

/// <summary>The 12-byte common header of every SCTP packet (RFC 9260 section 3.1).</summary>
public readonly record struct SctpCommonHeader(ushort SourcePort, ushort DestinationPort, uint VerificationTag)
{
    /// <summary>The header's size in bytes.</summary>
    public const int Size = 12;

    /// <summary>
    /// Parses the header of <paramref name="packet"/> and verifies the packet's CRC32c; false if the packet
    /// is too short, not a whole number of 4-byte words after the header, or the checksum is wrong.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<byte> packet, out SctpCommonHeader header)
    {
        header = default;
        if (packet.Length < Size + 4)
        {
            return false;
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(packet[8..]);
        var crc = Crc32c.Update(uint.MaxValue, packet[..8]);
        crc = Crc32c.Update(crc, [0, 0, 0, 0]);
        crc = ~Crc32c.Update(crc, packet[Size..]);
        if (crc != stored)
        {
            return false;
        }

        header = new SctpCommonHeader(
            BinaryPrimitives.ReadUInt16BigEndian(packet),
            BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]));
        return true;
    }

    /// <summary>Writes the header with a zero checksum; <see cref="Seal"/> fills it in once the chunks follow.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], VerificationTag);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], 0);
    }

    /// <summary>Computes the CRC32c of a complete packet (with its checksum field zeroed) and stores it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Seal(Span<byte> packet)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(packet[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(packet[8..], Crc32c.Compute(packet));
    }
}
