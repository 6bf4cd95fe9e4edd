namespace Mesh.Transport.Sctp.Chunks;

/// <summary>A SHUTDOWN COMPLETE (RFC 9260 section 3.3.13): the last chunk of a graceful close; header only.</summary>
public readonly record struct ShutdownCompleteChunk(bool ReflectedTag)
{
    /// <summary>The encoded length.</summary>
    public const int Length = ChunkHeader.Size;

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out ShutdownCompleteChunk parsed)
    {
        var ok = TlvChunk.TryParse(chunk, ChunkType.ShutdownComplete, out var flags, out _);
        parsed = new ShutdownCompleteChunk((flags & 1) != 0);
        return ok;
    }

    /// <summary>Writes the chunk and returns its length.</summary>
    public int WriteTo(Span<byte> destination) => TlvChunk.Write(destination, ChunkType.ShutdownComplete, ReflectedTag ? (byte)1 : (byte)0, default);
}
