namespace Mesh.Chunking.Tests;

public sealed class ChunkerTests
{
    private static readonly ChunkerParameters Small = new(900, 256, 1024, 4096);

    /// <summary>Sizes small enough that most chunks end within a few turns of the threshold switch.</summary>
    private static readonly ChunkerParameters Tiny = new(901, 64, 128, 512);

    public static TheoryData<uint> ParameterIds() => [.. ChunkerParameters.All.Select(p => p.Id)];

    [Fact]
    public void Empty_input_has_no_chunks()
    {
        Assert.Empty(Chunker.ChunkLengths([], ChunkerParameters.Default));
        Assert.Equal(0, Chunker.NextChunkLength([], ChunkerParameters.Default, isFinal: true));
    }

    [Theory]
    [MemberData(nameof(ParameterIds))]
    public void Input_no_longer_than_the_minimum_is_one_chunk(uint id)
    {
        var parameters = ChunkerParameters.FromId(id);
        var data = TestData.Random(parameters.MinSize, 11);
        foreach (var length in new[] { 1, 100, parameters.MinSize - 1, parameters.MinSize })
        {
            Assert.Equal([length], Chunker.ChunkLengths(data.AsSpan(0, length), parameters));
        }
    }

    [Fact]
    public void The_default_set_never_cuts_below_32_KiB_where_set_1_may()
    {
        // Set 4 (the default) differs from set 1 only in its minimum: on the same bytes it never ends
        // a chunk between 16 and 32 KiB, while set 1 does on this input.
        var data = TestData.Random(8 * 1024 * 1024, 12);
        var setOne = Chunker.ChunkLengths(data, ChunkerParameters.FromId(1));
        var setFour = Chunker.ChunkLengths(data, ChunkerParameters.Default);

        Assert.Contains(setOne.SkipLast(1), length => length < 32 * 1024);
        Assert.All(setFour.SkipLast(1), length => Assert.InRange(length, 32 * 1024, 256 * 1024));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(3, 1)]
    [InlineData(3, -1)]
    public void Constant_input_is_cut_at_exact_multiples_of_the_maximum(int multiple, int extra)
    {
        // A run of one byte value never matches the mask, so every cut is forced at MaxSize.
        var parameters = ChunkerParameters.Default;
        var data = new byte[(multiple * parameters.MaxSize) + extra];
        var lengths = Chunker.ChunkLengths(data, parameters);

        var expected = Enumerable.Repeat(parameters.MaxSize, data.Length / parameters.MaxSize).ToList();
        if (data.Length % parameters.MaxSize != 0)
        {
            expected.Add(data.Length % parameters.MaxSize);
        }

        Assert.Equal(expected, lengths);
    }

    [Theory]
    [MemberData(nameof(ParameterIds))]
    public void Every_chunk_but_the_last_is_within_min_and_max(uint id)
    {
        var parameters = ChunkerParameters.FromId(id);
        var data = TestData.Random(12 * 1024 * 1024, 5 + id);
        var lengths = Chunker.ChunkLengths(data, parameters);

        Assert.Equal(data.Length, lengths.Sum());
        Assert.All(lengths.Take(lengths.Count - 1), length => Assert.InRange(length, parameters.MinSize, parameters.MaxSize));
        Assert.InRange(lengths[^1], 1, parameters.MaxSize);
    }

    [Theory]
    [MemberData(nameof(ParameterIds))]
    public void Mean_chunk_size_on_random_data_is_near_the_average(uint id)
    {
        var parameters = ChunkerParameters.FromId(id);
        var data = TestData.Random(32 * 1024 * 1024, 77);
        var mean = data.Length / (double)Chunker.ChunkLengths(data, parameters).Count;

        // Normalized chunking with min = avg/4 lands a little above the average (measured ~1.13x).
        Assert.InRange(mean, parameters.AverageSize * 0.9, parameters.AverageSize * 1.4);
    }

    [Theory]
    [InlineData(1u, 1)]
    [InlineData(2u, 2)]
    [InlineData(3u, 3)]
    [InlineData(4u, 5)]
    [InlineData(900u, 4)]
    public void Cuts_match_the_plain_reference_definition_on_random_data(uint id, ulong seed)
    {
        var parameters = id == Small.Id ? Small : ChunkerParameters.FromId(id);
        var data = TestData.Random(6 * 1024 * 1024, seed);
        Assert.Equal(ReferenceChunker.ChunkLengths(data, parameters), Chunker.ChunkLengths(data, parameters));
    }

    [Fact]
    public void Cuts_at_every_offset_of_a_64_byte_scan_turn_match_the_reference()
    {
        // The scan takes 64 bytes per turn from byte MinSize-1 (Chunker.FindCut); a cut can end a
        // turn early at any of its 64 bytes, and each of those exits must give the same length.
        var data = TestData.Random(2 * 1024 * 1024, 64);
        var lengths = Chunker.ChunkLengths(data, Small);

        Assert.Equal(ReferenceChunker.ChunkLengths(data, Small), lengths);
        var offsetsInTurn = lengths.SkipLast(1).Where(l => l < Small.MaxSize).Select(l => (l - Small.MinSize) % 64).Distinct();
        Assert.Equal(64, offsetsInTurn.Count());
    }

    [Fact]
    public void Inputs_ending_anywhere_in_a_scan_turn_match_the_reference()
    {
        // Ends of input (and the switch of threshold at AverageSize) fall between turns, so the
        // loop finishes them 8 bytes and then 1 byte at a time.
        var data = TestData.Random(Small.MinSize + 200, 65);
        for (var length = Small.MinSize - 1; length <= data.Length; length++)
        {
            Assert.Equal(ReferenceChunker.ChunkLengths(data.AsSpan(0, length), Small), Chunker.ChunkLengths(data.AsSpan(0, length), Small));
        }
    }

    [Fact]
    public void Cuts_on_both_sides_of_the_threshold_switch_match_the_reference()
    {
        // Tiny sizes so that thousands of chunks end near AverageSize: the last byte tested with the
        // small threshold (length AverageSize), the first with the large one (AverageSize + 1), and
        // every offset of a 64-byte turn (so of any step shape inside it) after the switch.
        var data = TestData.Random(1024 * 1024, 66);
        var lengths = Chunker.ChunkLengths(data, Tiny);

        Assert.Equal(ReferenceChunker.ChunkLengths(data, Tiny), lengths);
        var decided = lengths.SkipLast(1).Where(l => l < Tiny.MaxSize).ToList();
        Assert.Contains(Tiny.AverageSize, decided);
        Assert.Contains(Tiny.AverageSize + 1, decided);
        var offsetsAfterSwitch = decided.Where(l => l > Tiny.AverageSize).Select(l => (l - Tiny.AverageSize - 1) % 64).Distinct();
        Assert.Equal(64, offsetsAfterSwitch.Count());
    }

    [Fact]
    public void Inputs_of_every_length_around_the_threshold_switch_match_the_reference()
    {
        // Odd and even lengths ending just before, at and after AverageSize, final and not final.
        for (var seed = 0UL; seed < 64; seed++)
        {
            var data = TestData.Random(Tiny.MaxSize + 3, 1000 + seed);
            var cut = ReferenceChunker.ChunkLengths(data, Tiny)[0];
            for (var length = Tiny.AverageSize - 70; length <= Tiny.AverageSize + 70; length++)
            {
                var input = data.AsSpan(0, length);
                Assert.Equal(ReferenceChunker.ChunkLengths(input, Tiny)[0], Chunker.NextChunkLength(input, Tiny, isFinal: true));
                Assert.Equal(cut <= length ? cut : 0, Chunker.NextChunkLength(input, Tiny, isFinal: false));
            }
        }
    }

    [Fact]
    public void Cuts_match_the_reference_on_low_entropy_data()
    {
        // Text-like input with few distinct bytes exercises long runs without cuts and forced maxima.
        var data = new byte[3 * 1024 * 1024];
        var state = 99UL;
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)"aaaab \n"[(int)(TestData.Next(ref state) % 7)];
        }

        Assert.Equal(ReferenceChunker.ChunkLengths(data, Small), Chunker.ChunkLengths(data, Small));
        Assert.Equal(ReferenceChunker.ChunkLengths(data, ChunkerParameters.Default), Chunker.ChunkLengths(data, ChunkerParameters.Default));
        Assert.Equal(ReferenceChunker.ChunkLengths(data, ChunkerParameters.FromId(1)), Chunker.ChunkLengths(data, ChunkerParameters.FromId(1)));
    }

    [Fact]
    public void Undecidable_input_that_is_not_final_asks_for_more()
    {
        var parameters = ChunkerParameters.Default;
        var data = new byte[parameters.MaxSize - 1];
        Assert.Equal(0, Chunker.NextChunkLength(data, parameters, isFinal: false));
        Assert.Equal(data.Length, Chunker.NextChunkLength(data, parameters, isFinal: true));
        Assert.Equal(0, Chunker.NextChunkLength(data.AsSpan(0, 10), parameters, isFinal: false));
    }

    [Fact]
    public void A_cut_found_in_partial_input_is_the_same_as_with_all_input()
    {
        var data = TestData.Random(4 * 1024 * 1024, 8);
        var first = Chunker.ChunkLengths(data, ChunkerParameters.Default)[0];
        Assert.Equal(first, Chunker.NextChunkLength(data.AsSpan(0, first), ChunkerParameters.Default, isFinal: false));
    }

    [Fact]
    public void Null_parameters_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => Chunker.NextChunkLength([1, 2, 3], null!, isFinal: true));
    }
}
