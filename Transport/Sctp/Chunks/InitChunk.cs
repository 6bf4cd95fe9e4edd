namespace Mesh.Transport.Sctp.Chunks;

/// <summary>An INIT chunk (RFC 9260 section 3.3.2): starts an association.</summary>
public readonly ref struct InitChunk
{
    /// <summary>Wraps the fields.</summary>
    public InitChunk(InitFields fields) => Fields = fields;

    /// <summary>The chunk's fields and parameters.</summary>
    public InitFields Fields { get; }

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out InitChunk init)
    {
        var ok = InitFields.TryParse(chunk, ChunkType.Init, out var fields);
        init = new InitChunk(fields);
        return ok;
    }

    /// <summary>Writes the chunk and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination) => Fields.WriteTo(destination, ChunkType.Init);
}
