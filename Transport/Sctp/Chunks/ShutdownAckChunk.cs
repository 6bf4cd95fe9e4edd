namespace Mesh.Transport.Sctp.Chunks;

/// <summary>A SHUTDOWN ACK (RFC 9260 section 3.3.9): answers SHUTDOWN once all data is acknowledged; header only.</summary>
public readonly record struct ShutdownAckChunk(bool ReflectedTag)
{
    /// <summary>The encoded length.</summary>
    public const int Length = ChunkHeader.Size;

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out ShutdownAckChunk parsed)
    {
        var ok = TlvChunk.TryParse(chunk, ChunkType.ShutdownAck, out var flags, out _);
        parsed = new ShutdownAckChunk((flags & 1) != 0);
        return ok;
    }

    /// <summary>Writes the chunk and returns its length.</summary>
    public int WriteTo(Span<byte> destination) => TlvChunk.Write(destination, ChunkType.ShutdownAck, ReflectedTag ? (byte)1 : (byte)0, default);
}
