using System.Buffers.Binary;

namespace Mesh.Transport.Sctp.Chunks;

/// <summary>A SHUTDOWN chunk (RFC 9260 section 3.3.8): starts a graceful close, with the sender's cumulative TSN ack.</summary>
public readonly record struct ShutdownChunk(uint CumulativeTsnAck)
{
    /// <summary>The encoded length.</summary>
    public const int Length = 8;

    /// <summary>Parses one whole chunk.</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, out ShutdownChunk shutdown)
    {
        shutdown = default;
        if (!TlvChunk.TryParse(chunk, ChunkType.Shutdown, out _, out var body) || body.Length != 4)
        {
            return false;
        }

        shutdown = new ShutdownChunk(BinaryPrimitives.ReadUInt32BigEndian(body));
        return true;
    }

    /// <summary>Writes the chunk and returns its length.</summary>
    public int WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], CumulativeTsnAck);
        return new ChunkHeader(ChunkType.Shutdown, 0, Length).WriteTo(destination);
    }
}
