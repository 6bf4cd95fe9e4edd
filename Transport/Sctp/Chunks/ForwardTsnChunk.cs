using System.Buffers.Binary;

namespace Mesh.Transport.Sctp.Chunks;

/// <summary>
/// A FORWARD TSN chunk (RFC 3758 section 3.2): the sender abandoned data up to a new cumulative TSN; for
/// ordered streams it lists the last stream sequence number skipped.
/// </summary>
public readonly ref struct ForwardTsnChunk
{
    private readonly ReadOnlySpan<byte> _streams;

    private ForwardTsnChunk(uint newCumulativeTsn, ReadOnlySpan<byte> streams)
    {
        NewCumulativeTsn = newCumulativeTsn;
        _streams = streams;
    }

    /// <summary>The TSN the receiver should treat as received up to.</summary>
    public uint NewCumulativeTsn { get; }

    /// <summary>Number of stream/SSN pairs.</summary>
    public int StreamCount => _streams.Length / 4;

    /// <summary>Pair <paramref name="index"/>: a stream and the last SSN skipped on it.</summary>
    public (ushort StreamId, ushort Ssn) Stream(int index) => (
        BinaryPrimitives.ReadUInt16BigEndian(_streams[(index * 4)..]),
        BinaryPrimitives.ReadUInt16BigEndian(_streams[(index * 4 + 2)..]));

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out ForwardTsnChunk forward)
    {
        forward = default;
        if (!TlvChunk.TryParse(chunk, ChunkType.ForwardTsn, out _, out var body) || body.Length < 4 || body.Length % 4 != 0)
        {
            return false;
        }

        forward = new ForwardTsnChunk(BinaryPrimitives.ReadUInt32BigEndian(body), body[4..]);
        return true;
    }

    /// <summary>Writes a chunk with the given pairs and returns its padded length.</summary>
    public static int Write(Span<byte> destination, uint newCumulativeTsn, ReadOnlySpan<(ushort StreamId, ushort Ssn)> streams)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], newCumulativeTsn);
        var offset = 8;
        foreach (var (stream, ssn) in streams)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], stream);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], ssn);
            offset += 4;
        }

        return new ChunkHeader(ChunkType.ForwardTsn, 0, (ushort)offset).WriteTo(destination);
    }
}
