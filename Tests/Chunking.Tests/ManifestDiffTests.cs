using Mesh.Proto;

namespace Mesh.Chunking.Tests;

public sealed class ManifestDiffTests
{
    private static readonly byte[] OldData = TestData.Random(4 * 1024 * 1024, 51);
    private static readonly FileManifest OldManifest = ManifestBuilder.Build(OldData, ChunkerParameters.Default);

    [Fact]
    public void Without_an_old_version_everything_is_fetched()
    {
        var diff = ManifestDiff.Compute(null, OldManifest);
        Assert.Empty(diff.Copy);
        Assert.Equal(OldManifest.Chunks.Count, diff.Fetch.Count);
        Assert.Equal(OldData.Length, diff.FetchBytes);
        Assert.Equal(Enumerable.Range(0, OldManifest.Chunks.Count), diff.Fetch.Select(c => c.Index));
    }

    [Fact]
    public void Identical_versions_copy_every_chunk_from_the_same_offset()
    {
        var diff = ManifestDiff.Compute(OldManifest, OldManifest);
        Assert.Empty(diff.Fetch);
        Assert.Equal(OldData.Length, diff.CopyBytes);
        Assert.All(diff.Copy, chunk => Assert.Equal(chunk.Offset, chunk.SourceOffset));
    }

    [Fact]
    public void Insertion_fetches_only_nearby_chunks_and_copies_rebuild_the_target()
    {
        var position = 2_000_000;
        var inserted = TestData.Random(40, 52);
        var target = OldData[..position].Concat(inserted).Concat(OldData[position..]).ToArray();
        var targetManifest = ManifestBuilder.Build(target, ChunkerParameters.Default);

        var diff = ManifestDiff.Compute(OldManifest, targetManifest);

        Assert.InRange(diff.Fetch.Count, 1, 2);
        Assert.All(diff.Fetch, chunk => Assert.InRange(position, chunk.Offset - (2 * ChunkerParameters.Default.MaxSize), chunk.Offset + chunk.Length + ChunkerParameters.Default.MaxSize));

        // Rebuilding from old bytes plus fetched bytes must give the target exactly.
        var rebuilt = new byte[target.Length];
        foreach (var copy in diff.Copy)
        {
            OldData.AsSpan((int)copy.SourceOffset, copy.Length).CopyTo(rebuilt.AsSpan((int)copy.Offset));
        }

        foreach (var fetch in diff.Fetch)
        {
            target.AsSpan((int)fetch.Offset, fetch.Length).CopyTo(rebuilt.AsSpan((int)fetch.Offset));
        }

        Assert.Equal(target, rebuilt);
        Assert.Equal(target.Length, diff.FetchBytes + diff.CopyBytes);
    }

    [Fact]
    public void A_chunk_repeated_in_the_target_is_fetched_once()
    {
        // A constant run cuts into identical maximum-size chunks.
        var target = new byte[4 * ChunkerParameters.Default.MaxSize];
        var diff = ManifestDiff.Compute(OldManifest, ManifestBuilder.Build(target, ChunkerParameters.Default));
        Assert.Equal(4, diff.Fetch.Count);
        Assert.Equal(ChunkerParameters.Default.MaxSize, diff.DistinctFetchBytes);
        Assert.Equal(target.Length, diff.FetchBytes);
    }

    [Fact]
    public void Chunks_moved_within_the_file_are_copied_from_their_old_offset()
    {
        // Swap the two halves: every chunk away from the seam is found at its old offset.
        var half = OldData.Length / 2;
        var swapped = OldData[half..].Concat(OldData[..half]).ToArray();
        var diff = ManifestDiff.Compute(OldManifest, ManifestBuilder.Build(swapped, ChunkerParameters.Default));
        Assert.True(diff.CopyBytes > swapped.Length * 0.8);
        Assert.All(diff.Copy, chunk => Assert.True(OldData.AsSpan((int)chunk.SourceOffset, chunk.Length).SequenceEqual(swapped.AsSpan((int)chunk.Offset, chunk.Length))));
    }

    [Fact]
    public void Invalid_manifests_are_rejected()
    {
        var broken = OldManifest.Clone();
        broken.Size++;
        Assert.Throws<InvalidManifestException>(() => ManifestDiff.Compute(null, broken));
        Assert.Throws<InvalidManifestException>(() => ManifestDiff.Compute(broken, OldManifest));
        Assert.Throws<ArgumentNullException>(() => ManifestDiff.Compute(OldManifest, null!));
    }
}
