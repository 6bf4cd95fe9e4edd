namespace Mesh.Transport.Sctp.Chunks;

/// <summary>
/// A RE-CONFIG chunk (RFC 6525 section 3.1): one or two stream reconfiguration parameters. Data channels
/// close by resetting their outgoing stream this way (RFC 8831 section 6.7).
/// </summary>
public readonly ref struct ReconfigChunk
{
    /// <summary>Creates the chunk.</summary>
    public ReconfigChunk(ReadOnlySpan<byte> parameters) => Parameters = parameters;

    /// <summary>The reconfiguration parameters, as TLVs.</summary>
    public ReadOnlySpan<byte> Parameters { get; }

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out ReconfigChunk reconfig)
    {
        var ok = TlvChunk.TryParse(chunk, ChunkType.Reconfig, out _, out var body);
        reconfig = new ReconfigChunk(body);
        return ok && body.Length >= 4;
    }

    /// <summary>Writes the chunk and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination) => TlvChunk.Write(destination, ChunkType.Reconfig, 0, Parameters);
}
