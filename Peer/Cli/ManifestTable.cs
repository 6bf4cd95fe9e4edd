using System.Globalization;
using System.Text;
using Mesh.Chunking;
using Mesh.Proto;

namespace Mesh.Peer.Cli;

/// <summary>The readable form of a manifest: a header, then one line per chunk (index, offset, length, hash).</summary>
internal static class ManifestTable
{
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
        long offset = 0;
        for (var i = 0; i < manifest.Chunks.Count; i++)
        {
            var chunk = manifest.Chunks[i];
            text.Append(culture, $"{i,8}  {offset,14}  {chunk.Length,8}  {Convert.ToHexStringLower(chunk.Hash.Span)}\n");
            offset += chunk.Length;
        }

        return text.ToString();
    }
}
