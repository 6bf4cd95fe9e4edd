namespace Mesh.Transport.Sctp.Chunks;

/// <summary>An INIT ACK chunk (RFC 9260 section 3.3.3): answers INIT and carries the state cookie.</summary>
public readonly ref struct InitAckChunk
{
    /// <summary>Wraps the fields.</summary>
    public InitAckChunk(InitFields fields) => Fields = fields;

    /// <summary>The chunk's fields and parameters (the state cookie among them).</summary>
    public InitFields Fields { get; }

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out InitAckChunk initAck)
    {
        var ok = InitFields.TryParse(chunk, ChunkType.InitAck, out var fields);
        initAck = new InitAckChunk(fields);
        return ok;
    }

    /// <summary>Writes the chunk and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination) => Fields.WriteTo(destination, ChunkType.InitAck);
}
