namespace Mesh.Peer.Sync;

/// <summary>
/// Lays out a successful chunk <see cref="Mesh.Proto.Response"/> envelope, or a
/// <see cref="Mesh.Proto.ResponseBatch"/> envelope of successful responses, by hand, byte for byte as
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
        position += WriteBody(destination[position..], id, dataLength);
        Ensure(position, destination);
    }

    /// <summary>
    /// Bytes of one successful response inside a <see cref="Mesh.Proto.ResponseBatch"/> (its field tag,
    /// length and body) in front of its <paramref name="dataLength"/> bytes of data.
    /// </summary>
    public static int BatchEntryPrefixLength(ulong id, int dataLength)
    {
        var body = BodyLength(id, dataLength);
        return 1 + VarintLength((ulong)body) + body - dataLength;
    }

    /// <summary>Writes one batch entry's prefix into <paramref name="destination"/>, exactly <see cref="BatchEntryPrefixLength"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No data: protobuf would leave the field out, and no chunk is empty.</exception>
    public static void WriteBatchEntryPrefix(Span<byte> destination, ulong id, int dataLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dataLength);
        var position = 0;
        destination[position++] = (1 << 3) | 2;
        position += WriteVarint(destination[position..], (ulong)BodyLength(id, dataLength));
        position += WriteBody(destination[position..], id, dataLength);
        Ensure(position, destination);
    }

    /// <summary>Bytes of the envelope in front of batch entries that take <paramref name="entriesLength"/> bytes in all.</summary>
    public static int BatchHeaderLength(int entriesLength) =>
        1 + VarintLength(SyncProtocol.Version) + 1 + VarintLength((ulong)entriesLength);

    /// <summary>Writes the envelope's header into <paramref name="destination"/>, exactly <see cref="BatchHeaderLength"/> bytes.</summary>
    public static void WriteBatchHeader(Span<byte> destination, int entriesLength)
    {
        var position = 0;
        destination[position++] = (1 << 3) | 0;
        position += WriteVarint(destination[position..], SyncProtocol.Version);
        destination[position++] = (10 << 3) | 2;
        position += WriteVarint(destination[position..], (ulong)entriesLength);
        Ensure(position, destination);
    }

    // A response body up to its data: id (left out at 0, as proto3 does) and the data field's tag and length.
    private static int WriteBody(Span<byte> destination, ulong id, int dataLength)
    {
        var position = 0;
        if (id != 0)
        {
            destination[position++] = (1 << 3) | 0;
            position += WriteVarint(destination[position..], id);
        }

        destination[position++] = (2 << 3) | 2;
        position += WriteVarint(destination[position..], (ulong)dataLength);
        return position;
    }

    private static void Ensure(int written, Span<byte> destination)
    {
        if (written != destination.Length)
        {
            throw new ArgumentException($"The prefix is {written} bytes, not {destination.Length}.", nameof(destination));
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
