using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Mesh.Proto;

namespace Mesh.Chunking;

/// <summary>
/// The whole-file hash: SHA-256 over a domain string (so it can never equal the hash of a chunk with
/// the same bytes), the chunker id, the size and every chunk's length and hash in order. It commits
/// to the whole content as the chunk hashes do, costs no second pass over the data, and a receiver
/// can check it from the manifest alone.
/// </summary>
internal static class FileHash
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("Mesh 2026-11 file manifest v1\0");

    /// <summary>Computes the file hash of a manifest's chunk list.</summary>
    internal static ByteString Compute(uint chunkerId, ulong size, IReadOnlyList<ChunkRef> chunks)
    {
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hasher.AppendData(Domain);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(header, chunkerId);
        BinaryPrimitives.WriteUInt64LittleEndian(header[4..], size);
        hasher.AppendData(header);
        Span<byte> length = stackalloc byte[4];
        foreach (var chunk in chunks)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, chunk.Length);
            hasher.AppendData(length);
            hasher.AppendData(chunk.Hash.Span);
        }

        Span<byte> result = stackalloc byte[ChunkHash.Size];
        hasher.GetHashAndReset(result);
        return ByteString.CopyFrom(result);
    }
}
