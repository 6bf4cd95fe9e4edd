using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Mesh.Proto;

namespace Mesh.Chunking.Tests;

public sealed class FileHashTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1_820)]
    [InlineData(1_821)]
    [InlineData(5_000)]
    public void File_hash_is_sha256_of_domain_header_and_every_length_and_hash_in_order(int count)
    {
        // Enough chunks to fill the hashing buffer several times, and counts at its edge (64 KiB holds 1 820 entries).
        var chunks = Enumerable.Range(0, count)
            .Select(i => new ChunkRef { Length = (uint)(16_384 + (i * 7919 % 200_000)), Hash = ByteString.CopyFrom(TestData.Random(ChunkHash.Size, (ulong)i + 1)) })
            .ToList();

        Assert.Equal(Definition(1, 123_456_789_012, chunks), FileHash.Compute(1, 123_456_789_012, chunks).ToByteArray());
    }

    [Fact]
    public void A_hash_of_another_length_is_hashed_as_written()
    {
        // Validation rejects such a manifest by comparing file hashes, so the hash must still cover every byte given.
        var chunks = new List<ChunkRef>
        {
            new() { Length = 5, Hash = ByteString.CopyFrom(new byte[7]) },
            new() { Length = 6, Hash = ByteString.CopyFrom(TestData.Random(100_000, 9)) },
            new() { Length = 7, Hash = ByteString.CopyFrom(TestData.Random(ChunkHash.Size, 10)) },
        };

        Assert.Equal(Definition(2, 18, chunks), FileHash.Compute(2, 18, chunks).ToByteArray());
    }

    /// <summary>The file hash as docs/chunking.md defines it, written out in full.</summary>
    private static byte[] Definition(uint chunkerId, ulong size, List<ChunkRef> chunks)
    {
        var text = new List<byte>(Encoding.ASCII.GetBytes("Mesh 2026-11 file manifest v1\0"));
        var field = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(field, chunkerId);
        text.AddRange(field[..4]);
        BinaryPrimitives.WriteUInt64LittleEndian(field, size);
        text.AddRange(field);
        foreach (var chunk in chunks)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(field, chunk.Length);
            text.AddRange(field[..4]);
            text.AddRange(chunk.Hash.ToByteArray());
        }

        return SHA256.HashData(text.ToArray());
    }
}
