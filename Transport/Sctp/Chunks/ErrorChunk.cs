namespace Mesh.Transport.Sctp.Chunks;

/// <summary>A ERROR (RFC 9260 section 3.3.10), which reports error causes without ending the association.</summary>
public readonly ref struct ErrorChunk
{
    /// <summary>Creates the chunk.</summary>
    public ErrorChunk(ReadOnlySpan<byte> causes) => Causes = causes;

    /// <summary>The error causes, as TLVs.</summary>
    public ReadOnlySpan<byte> Causes { get; }

    /// <summary>The encoded length without padding.</summary>
    public int Length => ChunkHeader.Size + Causes.Length;

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out ErrorChunk parsed)
    {
        var ok = TlvChunk.TryParse(chunk, ChunkType.Error, out _, out var body);
        parsed = new ErrorChunk(body);
        return ok;
    }

    /// <summary>Writes the chunk and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination) => TlvChunk.Write(destination, ChunkType.Error, 0, Causes);
}
