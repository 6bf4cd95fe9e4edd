using System.Text;
using System.Text.Json;
using Mesh.Proto;

namespace Mesh.Peer.Cli;

/// <summary>The JSON form of a manifest, for scripts: file, size, parameter id, file hash, and each chunk's offset, length and hex hash.</summary>
internal static class ManifestJson
{
    /// <summary>Formats <paramref name="manifest"/> of the file shown as <paramref name="name"/>.</summary>
    internal static string Format(string name, FileManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("file", name);
            json.WriteNumber("size", manifest.Size);
            json.WriteNumber("chunkerId", manifest.ChunkerId);
            json.WriteString("fileHash", Convert.ToHexStringLower(manifest.FileHash.Span));
            json.WriteStartArray("chunks");
            long offset = 0;
            foreach (var chunk in manifest.Chunks)
            {
                json.WriteStartObject();
                json.WriteNumber("offset", offset);
                json.WriteNumber("length", chunk.Length);
                json.WriteString("hash", Convert.ToHexStringLower(chunk.Hash.Span));
                json.WriteEndObject();
                offset += chunk.Length;
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }
}
