namespace Mesh.Transport.Sctp.Chunks;

/// <summary>A HEARTBEAT (RFC 9260 section 3.3.5), which carries one Heartbeat Info parameter the peer echoes back.</summary>
public readonly ref struct HeartbeatChunk
{
    /// <summary>Creates the chunk.</summary>
    public HeartbeatChunk(ReadOnlySpan<byte> info) => Info = info;

    /// <summary>The Heartbeat Info parameter, as a TLV.</summary>
    public ReadOnlySpan<byte> Info { get; }

    /// <summary>The encoded length without padding.</summary>
    public int Length => ChunkHeader.Size + Info.Length;

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out HeartbeatChunk parsed)
    {
        var ok = TlvChunk.TryParse(chunk, ChunkType.Heartbeat, out _, out var body);
        parsed = new HeartbeatChunk(body);
        return ok;
    }

    /// <summary>Writes the chunk and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination) => TlvChunk.Write(destination, ChunkType.Heartbeat, 0, Info);
}
