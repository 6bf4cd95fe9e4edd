using System.Buffers;
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
    /// <summary>Bytes of chunk entries appended to the hash at once (about 1 800 chunks).</summary>
    private const int BatchSize = 64 * 1024;

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

        // Chunk entries are gathered into a buffer and appended a buffer at a time: appending each
        // length and hash on its own was two calls into the crypto library per chunk, ~29 000 for a
        // 1 GiB file, on the single thread that finishes a manifest. The buffer bounds memory for any file size.
        var batch = ArrayPool<byte>.Shared.Rent(BatchSize);
        try
        {
            var filled = 0;
            foreach (var chunk in chunks)
            {
                var hash = chunk.Hash.Span;
                if (filled + 4 + hash.Length > batch.Length)
                {
                    hasher.AppendData(batch, 0, filled);
                    filled = 0;
                }

                BinaryPrimitives.WriteUInt32LittleEndian(batch.AsSpan(filled, 4), chunk.Length);
                filled += 4;
                if (hash.Length > batch.Length - filled)
                {
                    // Only a malformed manifest has a hash this long; it is hashed as written all the same.
                    hasher.AppendData(batch, 0, filled);
                    hasher.AppendData(hash);
                    filled = 0;
                    continue;
                }

                hash.CopyTo(batch.AsSpan(filled));
                filled += hash.Length;
            }

            hasher.AppendData(batch, 0, filled);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }

        Span<byte> result = stackalloc byte[ChunkHash.Size];
        hasher.GetHashAndReset(result);
        return ByteString.CopyFrom(result);
    }
}
