using System.Globalization;
using System.Text;
using Mesh.Chunking;
using Mesh.Proto;

namespace Mesh.Peer.Cli;

/// <summary>The readable form of a manifest: a header, then one line per chunk (index, offset, length, hash).</summary>
internal static class ManifestTable
{
    private const int IndexWidth = 8;
    private const int OffsetWidth = 14;
    private const int LengthWidth = 8;
    private const int Gap = 2;

    /// <summary>A row with the widest values a row can hold, the hash of a chunk and the newline.</summary>
    private const int RowLength = 20 + Gap + 20 + Gap + 10 + Gap + (2 * ChunkHash.Size) + 1;

    /// <summary>Formats <paramref name="manifest"/> of the file shown as <paramref name="name"/>.</summary>
    internal static string Format(string name, FileManifest manifest)
    {
        var culture = CultureInfo.InvariantCulture;
        var parameters = ChunkerParameters.TryFromId(manifest.ChunkerId, out var known) ? known.ToString() : manifest.ChunkerId.ToString(culture);
        var text = new StringBuilder((manifest.Chunks.Count + 8) * 100);
        text.Append(culture, $"file      {name}\n");
        text.Append(culture, $"size      {manifest.Size}\n");
        text.Append(culture, $"hash      {Convert.ToHexStringLower(manifest.FileHash.Span)}\n");
        text.Append(culture, $"chunker   {parameters}\n");
        text.Append(culture, $"chunks    {manifest.Chunks.Count}\n\n");
        text.Append(culture, $"{"index",8}  {"offset",14}  {"length",8}  hash\n");

        // Each row is put together in a span and appended once: the interpolated form with
        // alignment and a hex string per row cost more than the rest of the output for ~14 000 rows
        // of a 1 GiB file, on the single thread that runs after the pipeline (docs/chunking.md).
        Span<char> row = stackalloc char[RowLength];
        long offset = 0;
        for (var i = 0; i < manifest.Chunks.Count; i++)
        {
            var chunk = manifest.Chunks[i];
            var used = WriteRight(row, i, IndexWidth);
            used += WriteRight(row[used..], offset, OffsetWidth);
            used += WriteRight(row[used..], chunk.Length, LengthWidth);
            var hash = chunk.Hash.Span;
            if (2 * hash.Length > row.Length - used - 1)
            {
                // A hash longer than a chunk hash (only in a manifest that fails validation): the general form.
                text.Append(row[..used]).Append(Convert.ToHexStringLower(hash)).Append('\n');
            }
            else
            {
                used += WriteHex(row[used..], hash);
                row[used++] = '\n';
                text.Append(row[..used]);
            }

            offset += chunk.Length;
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> as lower-case hex; returns the characters written. A table
    /// lookup rather than <see cref="Convert.TryToHexStringLower(ReadOnlySpan{byte}, Span{char}, out int)"/>:
    /// in the Native AOT build that one reaches a vector shuffle compiled without SSSE3, which made the
    /// hashes of a 1 GiB file's rows cost 8 ms of the serial tail (docs/chunking.md).
    /// </summary>
    private static int WriteHex(Span<char> destination, ReadOnlySpan<byte> bytes)
    {
        const string Digits = "0123456789abcdef";
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = Digits[bytes[i] >> 4];
            destination[(2 * i) + 1] = Digits[bytes[i] & 0xF];
        }

        return 2 * bytes.Length;
    }

    /// <summary>
    /// Writes <paramref name="value"/> right-aligned in <paramref name="width"/> characters (wider
    /// values take the room they need, as composite formatting does), then the gap; returns the characters written.
    /// </summary>
    private static int WriteRight<T>(Span<char> destination, T value, int width)
        where T : ISpanFormattable
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        var padding = Math.Max(width - length, 0);
        destination[..padding].Fill(' ');
        digits[..length].CopyTo(destination[padding..]);
        destination.Slice(padding + length, Gap).Fill(' ');
        return padding + length + Gap;
    }
}
