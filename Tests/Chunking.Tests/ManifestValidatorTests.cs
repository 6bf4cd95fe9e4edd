using Google.Protobuf;
using Mesh.Proto;

namespace Mesh.Chunking.Tests;

public sealed class ManifestValidatorTests
{
    private static readonly FileManifest Valid = ManifestBuilder.Build(TestData.Random(1_500_000, 41), ChunkerParameters.Default);

    [Fact]
    public void A_built_manifest_is_valid()
    {
        Assert.True(Valid.Chunks.Count > 5);
        ManifestValidator.Validate(Valid);
    }

    [Fact]
    public void Unknown_parameter_id_is_rejected()
    {
        var manifest = Valid.Clone();
        manifest.ChunkerId = 42;
        AssertRejected(manifest, "unknown chunker parameter set id 42");
    }

    [Fact]
    public void Size_that_does_not_match_the_lengths_is_rejected()
    {
        var manifest = Valid.Clone();
        manifest.Size += 1;
        AssertRejected(manifest, $"add up to {Valid.Size} bytes but the manifest says the file is {Valid.Size + 1}");
    }

    [Fact]
    public void Missing_chunk_is_rejected()
    {
        var manifest = Valid.Clone();
        manifest.Chunks.RemoveAt(2);
        AssertRejected(manifest, "add up to");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Chunk_hash_of_wrong_length_is_rejected(int length)
    {
        var manifest = Valid.Clone();
        manifest.Chunks[3].Hash = ByteString.CopyFrom(new byte[length]);
        AssertRejected(manifest, $"chunk 3 has a {length}-byte hash, expected 32");
    }

    [Fact]
    public void File_hash_of_wrong_length_is_rejected()
    {
        var manifest = Valid.Clone();
        manifest.FileHash = ByteString.CopyFrom(new byte[16]);
        AssertRejected(manifest, "file hash is 16 bytes, expected 32");
    }

    [Fact]
    public void File_hash_that_does_not_match_the_chunks_is_rejected()
    {
        var manifest = Valid.Clone();
        var hash = manifest.Chunks[0].Hash.ToByteArray();
        hash[0] ^= 1;
        manifest.Chunks[0].Hash = ByteString.CopyFrom(hash);
        AssertRejected(manifest, "file hash does not match the chunk list");
    }

    [Fact]
    public void Zero_length_chunk_is_rejected()
    {
        var manifest = Valid.Clone();
        // Before the last chunk, which may be shorter than the minimum and so must stay last.
        manifest.Chunks.Insert(1, new ChunkRef { Hash = ByteString.CopyFrom(new byte[32]), Length = 0 });
        AssertRejected(manifest, "is 0 bytes, outside 1..262144");
    }

    [Fact]
    public void Chunk_longer_than_the_maximum_is_rejected()
    {
        var manifest = Valid.Clone();
        manifest.Chunks[0].Length = 262_145;
        AssertRejected(manifest, "chunk 0 is 262145 bytes, outside 1..262144");
    }

    [Fact]
    public void Short_chunk_that_is_not_the_last_is_rejected()
    {
        var manifest = Valid.Clone();
        manifest.Chunks[1].Length = 100;
        AssertRejected(manifest, $"chunk 1 is 100 bytes, below the minimum {ChunkerParameters.Default.MinSize}, and is not the last chunk");
    }

    [Fact]
    public void A_set_1_manifest_with_chunks_below_the_default_minimum_stays_valid()
    {
        // Manifests stored before set 4 became the default keep validating by their own set's sizes.
        var manifest = ManifestBuilder.Build(TestData.Random(4 * 1024 * 1024, 2027), ChunkerParameters.FromId(1));
        Assert.Contains(manifest.Chunks.SkipLast(1), chunk => chunk.Length < ChunkerParameters.Default.MinSize);
        ManifestValidator.Validate(manifest);
    }

    [Fact]
    public void A_set_1_chunk_list_labelled_as_set_4_is_rejected()
    {
        // The minimum is checked against the set the manifest names, not the smallest known one.
        var manifest = ManifestBuilder.Build(TestData.Random(4 * 1024 * 1024, 2027), ChunkerParameters.FromId(1));
        manifest.ChunkerId = 4;
        AssertRejected(manifest, "below the minimum 32768, and is not the last chunk");
    }

    [Fact]
    public void Null_manifest_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => ManifestValidator.Validate(null!));
    }

    private static void AssertRejected(FileManifest manifest, string expectedMessagePart)
    {
        var error = Assert.Throws<InvalidManifestException>(() => ManifestValidator.Validate(manifest));
        Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
    }
}
