namespace Mesh.Chunking.Tests;

public sealed class ChunkerParametersTests
{
    [Fact]
    public void Known_ids_round_trip()
    {
        foreach (var parameters in ChunkerParameters.All)
        {
            Assert.Same(parameters, ChunkerParameters.FromId(parameters.Id));
            Assert.True(parameters.MinSize < parameters.AverageSize && parameters.AverageSize < parameters.MaxSize);
        }

        Assert.Contains(ChunkerParameters.Default, ChunkerParameters.All);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(5u)]
    [InlineData(uint.MaxValue)]
    public void Unknown_id_is_rejected_with_its_number(uint id)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ChunkerParameters.FromId(id));
        Assert.Contains($"unknown chunker parameter set id {id}", error.Message, StringComparison.Ordinal);
        Assert.False(ChunkerParameters.TryFromId(id, out _));
    }

    [Fact]
    public void Default_set_is_pinned()
    {
        // Changing the default changes every new manifest: it must be a deliberate decision.
        var parameters = ChunkerParameters.Default;
        Assert.Equal((4u, 32768, 65536, 262144), (parameters.Id, parameters.MinSize, parameters.AverageSize, parameters.MaxSize));
    }

    [Theory]
    [InlineData(1u, 16384, 65536, 262144)]
    [InlineData(2u, 32768, 131072, 524288)]
    [InlineData(3u, 65536, 262144, 1048576)]
    [InlineData(4u, 32768, 65536, 262144)]
    public void Every_set_ever_written_into_manifests_stays_known_with_its_sizes(uint id, int min, int average, int max)
    {
        // Manifests cut with a former default stay valid: its id must keep meaning the same sizes.
        var parameters = ChunkerParameters.FromId(id);
        Assert.Equal((min, average, max), (parameters.MinSize, parameters.AverageSize, parameters.MaxSize));
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    public void Normalized_thresholds_are_two_bits_either_side_of_the_average(uint id)
    {
        // Sets 1 and 4 share the 64 KiB average, so the same masks; only the minimum differs.
        var parameters = ChunkerParameters.FromId(id);
        Assert.Equal(1UL << (64 - 18), parameters.SmallThreshold);
        Assert.Equal(1UL << (64 - 14), parameters.LargeThreshold);
    }

    [Theory]
    [InlineData(32, 1024, 4096)]
    [InlineData(1024, 1024, 4096)]
    [InlineData(256, 1000, 4096)]
    [InlineData(256, 1024, 1024)]
    public void Inconsistent_sizes_are_rejected(int min, int average, int max)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkerParameters(99, min, average, max));
    }
}
