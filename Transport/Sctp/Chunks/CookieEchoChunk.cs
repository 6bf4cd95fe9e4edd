namespace Mesh.Transport.Sctp.Chunks;

/// <summary>A COOKIE ECHO (RFC 9260 section 3.3.11), which returns the state cookie from INIT ACK.</summary>
public readonly ref struct CookieEchoChunk
{
    /// <summary>Creates the chunk.</summary>
    public CookieEchoChunk(ReadOnlySpan<byte> cookie) => Cookie = cookie;

    /// <summary>The cookie, opaque to the sender.</summary>
    public ReadOnlySpan<byte> Cookie { get; }

    /// <summary>The encoded length without padding.</summary>
    public int Length => ChunkHeader.Size + Cookie.Length;

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out CookieEchoChunk parsed)
    {
        var ok = TlvChunk.TryParse(chunk, ChunkType.CookieEcho, out _, out var body);
        parsed = new CookieEchoChunk(body);
        return ok;
    }

    /// <summary>Writes the chunk and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination) => TlvChunk.Write(destination, ChunkType.CookieEcho, 0, Cookie);
}
