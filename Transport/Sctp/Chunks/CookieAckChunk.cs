namespace Mesh.Transport.Sctp.Chunks;

/// <summary>A COOKIE ACK (RFC 9260 section 3.3.12): confirms the association; header only.</summary>
public readonly record struct CookieAckChunk(bool ReflectedTag)
{
    /// <summary>The encoded length.</summary>
    public const int Length = ChunkHeader.Size;

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out CookieAckChunk parsed)
    {
        var ok = TlvChunk.TryParse(chunk, ChunkType.CookieAck, out var flags, out _);
        parsed = new CookieAckChunk((flags & 1) != 0);
        return ok;
    }

    /// <summary>Writes the chunk and returns its length.</summary>
    public int WriteTo(Span<byte> destination) => TlvChunk.Write(destination, ChunkType.CookieAck, ReflectedTag ? (byte)1 : (byte)0, default);
}
