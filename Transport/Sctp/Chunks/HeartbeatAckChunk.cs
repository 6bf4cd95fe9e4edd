namespace Mesh.Transport.Sctp.Chunks;

/// <summary>A HEARTBEAT ACK (RFC 9260 section 3.3.6), which echoes the Heartbeat Info parameter.</summary>
public readonly ref struct HeartbeatAckChunk
{
    /// <summary>Creates the chunk.</summary>
    public HeartbeatAckChunk(ReadOnlySpan<byte> info) => Info = info;

    /// <summary>The echoed Heartbeat Info parameter, as a TLV.</summary>
    public ReadOnlySpan<byte> Info { get; }

    /// <summary>The encoded length without padding.</summary>
    public int Length => ChunkHeader.Size + Info.Length;

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out HeartbeatAckChunk parsed)
    {
        var ok = TlvChunk.TryParse(chunk, ChunkType.HeartbeatAck, out _, out var body);
        parsed = new HeartbeatAckChunk(body);
        return ok;
    }

    /// <summary>Writes the chunk and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination) => TlvChunk.Write(destination, ChunkType.HeartbeatAck, 0, Info);
}
