using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Mesh.Transport.Sctp.Chunks;

/// <summary>
/// A DATA chunk (RFC 9260 section 3.3.1): one fragment of a user message. A ref struct so that parsing
/// points into the received packet instead of copying the payload.
/// </summary>
public readonly ref struct DataChunk
{
    /// <summary>The header size before the user data.</summary>
    public const int HeaderSize = 16;

    /// <summary>The I(mmediate), U(nordered), B(eginning) and E(nding) flag bits.</summary>
    public const byte ImmediateFlag = 8, UnorderedFlag = 4, BeginningFlag = 2, EndingFlag = 1;

    /// <summary>Creates a chunk to send.</summary>
    public DataChunk(byte flags, uint tsn, ushort streamId, ushort ssn, uint ppid, ReadOnlySpan<byte> userData)
    {
        Flags = flags;
        Tsn = tsn;
        StreamId = streamId;
        Ssn = ssn;
        Ppid = ppid;
        UserData = userData;
    }

    /// <summary>The chunk flags (see the flag constants).</summary>
    public byte Flags { get; }

    /// <summary>Transmission sequence number.</summary>
    public uint Tsn { get; }

    /// <summary>Stream identifier.</summary>
    public ushort StreamId { get; }

    /// <summary>Stream sequence number (meaningless for unordered data).</summary>
    public ushort Ssn { get; }

    /// <summary>Payload protocol identifier (big-endian on the wire).</summary>
    public uint Ppid { get; }

    /// <summary>The fragment's bytes.</summary>
    public ReadOnlySpan<byte> UserData { get; }

    /// <summary>True if the U bit is set.</summary>
    public bool Unordered => (Flags & UnorderedFlag) != 0;

    /// <summary>True if this fragment begins a message.</summary>
    public bool Beginning => (Flags & BeginningFlag) != 0;

    /// <summary>True if this fragment ends a message.</summary>
    public bool Ending => (Flags & EndingFlag) != 0;

    /// <summary>The encoded length without padding.</summary>
    public int Length => HeaderSize + UserData.Length;

    /// <summary>Parses one whole chunk (header included, padding excluded); false if malformed or empty (RFC 9260: a DATA chunk with no user data is a protocol violation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<byte> chunk, out DataChunk data)
    {
        data = default;
        if (!ChunkHeader.TryParse(chunk, out var header) || header.Type != ChunkType.Data || header.Length <= HeaderSize)
        {
            return false;
        }

        data = new DataChunk(
            header.Flags,
            BinaryPrimitives.ReadUInt32BigEndian(chunk[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(chunk[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(chunk[10..]),
            BinaryPrimitives.ReadUInt32BigEndian(chunk[12..]),
            chunk[HeaderSize..header.Length]);
        return true;
    }

    /// <summary>Writes the chunk and returns its padded length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Tsn);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], StreamId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], Ssn);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Ppid);
        UserData.CopyTo(destination[HeaderSize..]);
        return new ChunkHeader(ChunkType.Data, Flags, (ushort)Length).WriteTo(destination);
    }
}
