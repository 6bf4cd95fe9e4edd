using System.Buffers.Binary;

namespace Mesh.Peer.Links;

/// <summary>
/// The five bytes in front of every message on a stream link: one flag byte (<see cref="FrameFlags"/>)
/// and the payload length as a big-endian 32-bit integer. The length is of the payload as sent, so
/// a compressed message is bounded by its compressed size here and by its declared content size after.
/// </summary>
internal readonly record struct FrameHeader(FrameFlags Flags, int Length)
{
    /// <summary>Bytes in a header.</summary>
    public const int Size = 5;

    /// <summary>Reads a header; false when a flag bit is unknown or the length does not fit an <see cref="int"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out FrameHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        var flags = (FrameFlags)source[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(source[1..]);
        if ((flags & ~FrameFlags.Zstd) != 0 || length > int.MaxValue)
        {
            return false;
        }

        header = new FrameHeader(flags, (int)length);
        return true;
    }

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        destination[0] = (byte)Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)Length);
    }
}
