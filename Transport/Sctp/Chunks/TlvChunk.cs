namespace Mesh.Transport.Sctp.Chunks;

/// <summary>
/// The shape several chunks share: a header followed by an opaque body (parameters, error causes or a
/// cookie). Each of those chunk types is its own type built on this one.
/// </summary>
internal static class TlvChunk
{
    public static bool TryParse(ReadOnlySpan<byte> chunk, ChunkType type, out byte flags, out ReadOnlySpan<byte> body)
    {
        flags = 0;
        body = default;
        if (!ChunkHeader.TryParse(chunk, out var header) || header.Type != type)
        {
            return false;
        }

        flags = header.Flags;
        body = chunk[ChunkHeader.Size..header.Length];
        return true;
    }

    public static int Write(Span<byte> destination, ChunkType type, byte flags, ReadOnlySpan<byte> body)
    {
        body.CopyTo(destination[ChunkHeader.Size..]);
        return new ChunkHeader(type, flags, (ushort)(ChunkHeader.Size + body.Length)).WriteTo(destination);
    }
}
