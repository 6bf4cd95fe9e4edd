namespace Mesh.Peer.Sync;

/// <summary>
/// Lays out a successful chunk <see cref="Mesh.Proto.Response"/> envelope by hand, byte for byte as
/// protobuf encodes it, so the chunk can be read from its file straight into the message buffer: the
/// prefix (<see cref="PrefixLength"/> bytes) goes in front of the data, and nothing is copied to build
/// the message. <see cref="ResponseReader"/> is the other side.
/// </summary>
internal static class ResponseWriter
{
    /// <summary>Bytes of the envelope in front of <paramref name="dataLength"/> bytes of chunk data answering request <paramref name="id"/>.</summary>
    public static int PrefixLength(ulong id, int dataLength)
    {
        var body = BodyLength(id, dataLength);
        return 1 + VarintLength(SyncProtocol.Version) + 1 + VarintLength((ulong)body) + body - dataLength;
    }

    /// <summary>Writes the prefix into <paramref name="destination"/>, which is exactly <see cref="PrefixLength"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No data: protobuf would leave the field out, and no chunk is empty.</exception>
    public static void WritePrefix(Span<byte> destination, ulong id, int dataLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dataLength);
        var position = 0;
        destination[position++] = (1 << 3) | 0;
        position += WriteVarint(destination[position..], SyncProtocol.Version);
        destination[position++] = (6 << 3) | 2;
        position += WriteVarint(destination[position..], (ulong)BodyLength(id, dataLength));
        if (id != 0)
        {
            // proto3 leaves a field at its default out.
            destination[position++] = (1 << 3) | 0;
            position += WriteVarint(destination[position..], id);
        }

        destination[position++] = (2 << 3) | 2;
        position += WriteVarint(destination[position..], (ulong)dataLength);
        if (position != destination.Length)
        {
            throw new ArgumentException($"The prefix is {position} bytes, not {destination.Length}.", nameof(destination));
        }
    }

    private static int BodyLength(ulong id, int dataLength) =>
        (id == 0 ? 0 : 1 + VarintLength(id)) + 1 + VarintLength((ulong)dataLength) + dataLength;

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        var length = 0;
        while (value >= 0x80)
        {
            destination[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[length++] = (byte)value;
        return length;
    }
}
