using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Mesh.Transport.Sctp.Chunks;

/// <summary>
/// A SACK chunk (RFC 9260 section 3.3.4): the cumulative TSN, the receive window, gap ack blocks and
/// duplicate TSNs. Parsing keeps the blocks in the packet and reads them by index, so no list is built.
/// </summary>
public readonly ref struct SackChunk
{
    private const int FixedSize = 12;
    private readonly ReadOnlySpan<byte> _gaps;
    private readonly ReadOnlySpan<byte> _duplicates;

    private SackChunk(uint cumulativeTsnAck, uint advertisedWindow, ReadOnlySpan<byte> gaps, ReadOnlySpan<byte> duplicates)
    {
        CumulativeTsnAck = cumulativeTsnAck;
        AdvertisedWindow = advertisedWindow;
        _gaps = gaps;
        _duplicates = duplicates;
    }

    /// <summary>The highest TSN up to which everything arrived.</summary>
    public uint CumulativeTsnAck { get; }

    /// <summary>The receiver's free buffer space in bytes.</summary>
    public uint AdvertisedWindow { get; }

    /// <summary>Number of gap ack blocks.</summary>
    public int GapCount => _gaps.Length / 4;

    /// <summary>Number of duplicate TSNs reported.</summary>
    public int DuplicateCount => _duplicates.Length / 4;

    /// <summary>The encoded length of a SACK with this many blocks and duplicates.</summary>
    public static int LengthFor(int gaps, int duplicates) => ChunkHeader.Size + FixedSize + gaps * 4 + duplicates * 4;

    /// <summary>Gap block <paramref name="index"/>.</summary>
    public GapAckBlock Gap(int index) => new(
        BinaryPrimitives.ReadUInt16BigEndian(_gaps[(index * 4)..]),
        BinaryPrimitives.ReadUInt16BigEndian(_gaps[(index * 4 + 2)..]));

    /// <summary>Duplicate TSN <paramref name="index"/>.</summary>
    public uint Duplicate(int index) => BinaryPrimitives.ReadUInt32BigEndian(_duplicates[(index * 4)..]);

    /// <summary>Parses one whole chunk; false if the counts do not match the length or a block is inverted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<byte> chunk, out SackChunk sack)
    {
        sack = default;
        if (!ChunkHeader.TryParse(chunk, out var header) || header.Type != ChunkType.Sack || header.Length < ChunkHeader.Size + FixedSize)
        {
            return false;
        }

        var body = chunk[ChunkHeader.Size..header.Length];
        int gaps = BinaryPrimitives.ReadUInt16BigEndian(body[8..]);
        int duplicates = BinaryPrimitives.ReadUInt16BigEndian(body[10..]);
        if (body.Length != FixedSize + gaps * 4 + duplicates * 4)
        {
            return false;
        }

        sack = new SackChunk(
            BinaryPrimitives.ReadUInt32BigEndian(body),
            BinaryPrimitives.ReadUInt32BigEndian(body[4..]),
            body.Slice(FixedSize, gaps * 4),
            body.Slice(FixedSize + gaps * 4, duplicates * 4));
        for (var i = 0; i < gaps; i++)
        {
            var gap = sack.Gap(i);
            if (gap.Start == 0 || gap.End < gap.Start)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes a SACK and returns its padded length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Write(Span<byte> destination, uint cumulativeTsnAck, uint advertisedWindow, ReadOnlySpan<GapAckBlock> gaps, ReadOnlySpan<uint> duplicates)
    {
        var body = destination[ChunkHeader.Size..];
        BinaryPrimitives.WriteUInt32BigEndian(body, cumulativeTsnAck);
        BinaryPrimitives.WriteUInt32BigEndian(body[4..], advertisedWindow);
        BinaryPrimitives.WriteUInt16BigEndian(body[8..], (ushort)gaps.Length);
        BinaryPrimitives.WriteUInt16BigEndian(body[10..], (ushort)duplicates.Length);
        var offset = FixedSize;
        foreach (var gap in gaps)
        {
            BinaryPrimitives.WriteUInt16BigEndian(body[offset..], gap.Start);
            BinaryPrimitives.WriteUInt16BigEndian(body[(offset + 2)..], gap.End);
            offset += 4;
        }

        foreach (var duplicate in duplicates)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body[offset..], duplicate);
            offset += 4;
        }

        return new ChunkHeader(ChunkType.Sack, 0, (ushort)LengthFor(gaps.Length, duplicates.Length)).WriteTo(destination);
    }
}
