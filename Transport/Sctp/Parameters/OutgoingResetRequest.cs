using System.Buffers.Binary;

namespace Mesh.Transport.Sctp.Parameters;

/// <summary>
/// The Outgoing SSN Reset Request parameter (RFC 6525 section 4.1): the sender will send no more on the
/// listed streams after <see cref="LastTsn"/> and restarts their sequence numbers.
/// </summary>
public readonly ref struct OutgoingResetRequest
{
    private const int FixedSize = 12;
    private readonly ReadOnlySpan<byte> _streams;

    private OutgoingResetRequest(uint requestSequence, uint responseSequence, uint lastTsn, ReadOnlySpan<byte> streams)
    {
        RequestSequence = requestSequence;
        ResponseSequence = responseSequence;
        LastTsn = lastTsn;
        _streams = streams;
    }

    /// <summary>This request's sequence number.</summary>
    public uint RequestSequence { get; }

    /// <summary>The sequence number of the last response the sender received (ignored here).</summary>
    public uint ResponseSequence { get; }

    /// <summary>The last TSN the sender sent before the reset.</summary>
    public uint LastTsn { get; }

    /// <summary>Number of listed streams; zero means all.</summary>
    public int StreamCount => _streams.Length / 2;

    /// <summary>Stream <paramref name="index"/>.</summary>
    public ushort Stream(int index) => BinaryPrimitives.ReadUInt16BigEndian(_streams[(index * 2)..]);

    /// <summary>Parses the parameter's value.</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out OutgoingResetRequest request)
    {
        request = default;
        if (value.Length < FixedSize || (value.Length - FixedSize) % 2 != 0)
        {
            return false;
        }

        request = new OutgoingResetRequest(
            BinaryPrimitives.ReadUInt32BigEndian(value),
            BinaryPrimitives.ReadUInt32BigEndian(value[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(value[8..]),
            value[FixedSize..]);
        return true;
    }

    /// <summary>Writes the whole parameter (TLV header included) and returns its padded length.</summary>
    public static int Write(Span<byte> destination, uint requestSequence, uint responseSequence, uint lastTsn, ReadOnlySpan<ushort> streams)
    {
        Span<byte> value = stackalloc byte[FixedSize + streams.Length * 2];
        BinaryPrimitives.WriteUInt32BigEndian(value, requestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(value[4..], responseSequence);
        BinaryPrimitives.WriteUInt32BigEndian(value[8..], lastTsn);
        for (var i = 0; i < streams.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(FixedSize + i * 2)..], streams[i]);
        }

        return Parameter.Write(destination, (ushort)ParameterType.OutgoingSsnResetRequest, value);
    }
}
