using System.Buffers.Binary;
using Blake3;
using Google.Protobuf;
using Mesh.Proto;

namespace Mesh.Chunking;

/// <summary>
/// The whole-file hash: BLAKE3 in key-derivation mode (its own context string, so it can never equal
/// a chunk hash) over the chunker id, the size and every chunk's length and hash in order. It commits
/// to the whole content as the chunk hashes do, costs no second pass over the data, and a receiver
/// can check it from the manifest alone.
/// </summary>
internal static class FileHash
{
    private const string Context = "Mesh 2026-11 file manifest v1";

    /// <summary>Computes the file hash of a manifest's chunk list.</summary>
    internal static ByteString Compute(uint chunkerId, ulong size, IReadOnlyList<ChunkRef> chunks)
    {
        using var hasher = Hasher.NewDeriveKey(Context);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(header, chunkerId);
        BinaryPrimitives.WriteUInt64LittleEndian(header[4..], size);
        hasher.Update(header);
        Span<byte> length = stackalloc byte[4];
        foreach (var chunk in chunks)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, chunk.Length);
            hasher.Update(length);
            hasher.Update(chunk.Hash.Span);
        }

        Span<byte> result = stackalloc byte[ChunkHash.Size];
        hasher.Finalize(result);
        return ByteString.CopyFrom(result);
    }
}
