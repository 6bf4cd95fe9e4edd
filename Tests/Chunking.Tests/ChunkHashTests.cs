using System.Text;

namespace Mesh.Chunking.Tests;

public sealed class ChunkHashTests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Chunk_hash_is_sha256(string input, string expectedHex)
    {
        // Published SHA-256 test values (FIPS 180-2): the chunk hash must be plain SHA-256 so other implementations agree.
        Assert.Equal(expectedHex, ChunkHash.Compute(Encoding.ASCII.GetBytes(input)).ToString());
    }

    [Fact]
    public void Hasher_writes_exactly_32_bytes_and_rejects_a_short_destination()
    {
        var destination = new byte[40];
        ChunkHasher.Hash("abc"u8, destination);
        Assert.Equal(ChunkHash.Compute("abc"u8).ToArray(), destination[..32]);
        Assert.All(destination[32..], b => Assert.Equal(0, b));
        Assert.Throws<ArgumentException>(() => ChunkHasher.Hash("abc"u8, new byte[31]));
    }

    [Fact]
    public void Equal_bytes_give_equal_hashes_and_one_bit_differs()
    {
        var data = TestData.Random(70_000, 3);
        var same = ChunkHash.Compute(data);
        data[12_345] ^= 1;
        var changed = ChunkHash.Compute(data);
        Assert.Equal(same, ChunkHash.Compute(TestData.Random(70_000, 3)));
        Assert.NotEqual(same, changed);
        Assert.True(same != changed);
        Assert.Equal(same.GetHashCode(), ChunkHash.Compute(TestData.Random(70_000, 3)).GetHashCode());
    }

    [Fact]
    public void Hex_round_trips()
    {
        var hash = ChunkHash.Compute("round trip"u8);
        Assert.True(ChunkHash.TryParse(hash.ToString(), out var parsed));
        Assert.Equal(hash, parsed);
        Assert.Equal(hash, new ChunkHash(hash.ToArray()));
        Assert.True(ChunkHash.TryParse(hash.ToString().ToUpperInvariant(), out parsed));
        Assert.Equal(hash, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcd")]
    [InlineData("zz1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")]
    [InlineData("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f326200")]
    public void Bad_hex_is_not_a_hash(string? hex)
    {
        Assert.False(ChunkHash.TryParse(hex, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Wrong_length_bytes_are_rejected(int length)
    {
        var error = Assert.Throws<ArgumentException>(() => new ChunkHash(new byte[length]));
        Assert.Contains($"not {length}", error.Message, StringComparison.Ordinal);
    }
}
