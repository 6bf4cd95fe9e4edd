using ZstdSharp;

namespace Mesh.Peer.Links;

/// <summary>
/// zstd for index messages on stream links. Index entries (names, version vectors, chunk hashes of
/// which many repeat across a tree's entries in structure if not in value) shrink several-fold;
/// chunk data is mostly incompressible or already compressed, so it is not even tried: the link looks
/// at the envelope's body field and compresses only <c>Index</c> and <c>IndexUpdate</c>.
/// </summary>
internal static class IndexCompression
{
    // SyncEnvelope: field 1 (version, varint) comes first, then the oneof body. The tags of the
    // length-delimited bodies Index (field 3) and IndexUpdate (field 4) are (3 << 3) | 2 and (4 << 3) | 2.
    private const byte VersionTag = (1 << 3) | 0;
    private const byte IndexTag = (3 << 3) | 2;
    private const byte IndexUpdateTag = (4 << 3) | 2;

    /// <summary>True when an encoded envelope carries an Index or IndexUpdate body.</summary>
    public static bool IsIndexMessage(ReadOnlySpan<byte> envelope)
    {
        var i = 0;
        if (envelope.Length > 0 && envelope[0] == VersionTag)
        {
            i = 1;
            while (i < envelope.Length && (envelope[i] & 0x80) != 0)
            {
                i++;
            }

            i++;
        }

        return i < envelope.Length && envelope[i] is IndexTag or IndexUpdateTag;
    }

    /// <summary>
    /// Compresses <paramref name="message"/> into <paramref name="destination"/> (as long as the message);
    /// false when the result would not be smaller, so the caller sends the message as it is.
    /// </summary>
    public static bool TryCompress(ReadOnlySpan<byte> message, Span<byte> destination, int level, out int written)
    {
        // zstd contexts allocate their match tables and window with malloc; a new one per message left
        // glibc's arenas holding tens of MiB after a burst of index updates (docs/daemon.md, "Memory").
        // One context is kept and reused; a caller that finds it taken makes its own for that message.
        var compressor = Interlocked.Exchange(ref s_compressor, null);
        if (compressor is null || compressor.Level != level)
        {
            compressor?.Context.Dispose();
            compressor = new CachedCompressor(new Compressor(level), level);
        }

        try
        {
            // One byte less than the original: a result that does not fit there does not pay.
            return compressor.Context.TryWrap(message, destination[..(message.Length - 1)], out written);
        }
        finally
        {
            Interlocked.Exchange(ref s_compressor, compressor)?.Context.Dispose();
        }
    }

    private static CachedCompressor? s_compressor;
    private static Decompressor? s_decompressor;

    private sealed record CachedCompressor(Compressor Context, int Level);

    /// <summary>
    /// Decompresses one zstd frame whose declared content size is at most <paramref name="maxSize"/>,
    /// into <paramref name="buffer"/> (grown when needed); false with a reason for anything else.
    /// </summary>
    public static bool TryDecompress(ReadOnlySpan<byte> payload, int maxSize, ref byte[] buffer, out int written, out string problem)
    {
        written = 0;
        try
        {
            // The frame header carries the content size (always written by TryWrap); checking it first
            // means a small frame cannot make the receiver allocate or write more than the limit.
            var size = Decompressor.GetDecompressedSize(payload);
            if (size > (ulong)maxSize)
            {
                problem = $"compressed frame declares {(size >= ulong.MaxValue - 1 ? "an unknown" : size.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, more than the maximum of {maxSize}";
                return false;
            }

            if (buffer.Length < (int)size)
            {
                buffer = new byte[Math.Max((int)size, Math.Min(maxSize, buffer.Length * 2))];
            }

            // Reused like the compressor above; one that threw on a bad frame is dropped, not kept.
            var decompressor = Interlocked.Exchange(ref s_decompressor, null) ?? new Decompressor();
            var unwrapped = decompressor.TryUnwrap(payload, buffer.AsSpan(0, (int)size), out written);
            Interlocked.Exchange(ref s_decompressor, decompressor)?.Dispose();
            if (!unwrapped || written != (int)size)
            {
                problem = "compressed frame does not hold its declared size";
                return false;
            }
        }
        catch (ZstdException ex)
        {
            problem = "compressed frame does not decode: " + ex.Message;
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
