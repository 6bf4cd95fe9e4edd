namespace Mesh.Peer.Sync;

/// <summary>What reading one varint found.</summary>
internal enum VarintRead
{
    /// <summary>A whole varint was read.</summary>
    Read,

    /// <summary>The bytes ended inside the varint (or before it).</summary>
    Ended,

    /// <summary>More than 64 bits: protobuf refuses it, and so do we.</summary>
    TooLong,
}

/// <summary>
/// Protobuf's base-128 varints read straight from a span, for the few messages decoded in place
/// (chunk responses, the head of an index entry) without building protobuf objects.
/// </summary>
internal static class Varint
{
    /// <summary>Reads the varint at <paramref name="position"/> and moves past it when whole.</summary>
    public static VarintRead TryRead(ReadOnlySpan<byte> source, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= source.Length)
            {
                return VarintRead.Ended;
            }

            var b = source[position++];
            if (shift == 63 && b > 1)
            {
                return VarintRead.TooLong;
            }

            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return VarintRead.Read;
            }
        }

        return VarintRead.TooLong;
    }
}
