namespace Mesh.Transport.Sctp.Chunks;

/// <summary>An ABORT chunk (RFC 9260 section 3.3.7): ends the association at once, with optional error causes.</summary>
public readonly ref struct AbortChunk
{
    /// <summary>The T bit: the packet carries the peer's own tag because the sender has none of ours.</summary>
    public const byte ReflectedTagFlag = 1;

    /// <summary>Creates the chunk.</summary>
    public AbortChunk(bool reflectedTag, ReadOnlySpan<byte> causes)
    {
        ReflectedTag = reflectedTag;
        Causes = causes;
    }

    /// <summary>True if the T bit is set.</summary>
    public bool ReflectedTag { get; }

    /// <summary>The error causes, as TLVs.</summary>
    public ReadOnlySpan<byte> Causes { get; }

    /// <summary>The encoded length without padding.</summary>
    public int Length => ChunkHeader.Size + Causes.Length;

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out AbortChunk abort)
    {
        var ok = TlvChunk.TryParse(chunk, ChunkType.Abort, out var flags, out var body);
        abort = new AbortChunk((flags & ReflectedTagFlag) != 0, body);
        return ok;
    }

    /// <summary>Writes the chunk and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination) =>
        TlvChunk.Write(destination, ChunkType.Abort, ReflectedTag ? ReflectedTagFlag : (byte)0, Causes);
}
