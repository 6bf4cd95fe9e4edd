using FsCheck.Xunit;

namespace Mesh.Chunking.Tests;

/// <summary>
/// How far an edit disturbs the chunk boundaries. What is proven and checked on every case: every
/// chunk that ends at or before the edit is unchanged (cuts depend only on bytes up to the cut),
/// and the changed chunks form one run from the chunk holding the edit to the point where the two
/// chunkers cut at the same content again, after which every chunk is the old one shifted. The run's
/// length is not bounded by anything deterministic (see docs/chunking.md: after an edit within the
/// last ~128 bytes of a chunk the two cut sequences re-synchronise with probability about 1/2 per
/// chunk); the 32 MiB property checks the run is at most 2 × MaxSize bytes, which random edits break
/// with a measured probability of about 5e-5 per case.
/// </summary>
public sealed class BoundaryStabilityProperties
{
    private const int BufferSize = 32 * 1024 * 1024;

    [Property(MaxTest = 12)]
    public void Small_edit_in_32_MiB_changes_at_most_two_maximum_chunks_around_it(ulong seed)
    {
        var state = seed;
        var original = TestData.Random(BufferSize, TestData.Next(ref state));
        var (edited, position, editEnd) = Edit(original, ref state);
        var parameters = ChunkerParameters.Default;
        var before = Chunker.ChunkLengths(original, parameters);

        var change = Compare(before, Chunker.ChunkLengths(edited, parameters), position, editEnd);

        // Exact: the unchanged prefix reaches the last old cut at or before the edit.
        long lastCutBeforeEdit = 0;
        for (var i = 0; i < before.Count && lastCutBeforeEdit + before[i] <= position; i++)
        {
            lastCutBeforeEdit += before[i];
        }

        Assert.Equal(lastCutBeforeEdit, change.PrefixBytes);
        Assert.InRange(change.ChangedBytes, 1, 2L * parameters.MaxSize);
    }

    [Property(MaxTest = 100)]
    public void Min_and_max_hold_for_any_input_length(ulong seed, byte sizeClass)
    {
        var state = seed;
        var parameters = new ChunkerParameters(902, 256, 1024, 4096);
        var length = (int)(TestData.Next(ref state) % (ulong)(64 << (sizeClass % 12)));
        var data = TestData.Random(length, state);
        var lengths = Chunker.ChunkLengths(data, parameters);

        Assert.Equal(length, lengths.Sum());
        Assert.All(lengths.Take(lengths.Count - 1), l => Assert.InRange(l, parameters.MinSize, parameters.MaxSize));
        Assert.All(lengths, l => Assert.InRange(l, 1, parameters.MaxSize));
    }

    [Fact]
    public void Most_edits_resynchronise_within_two_chunks()
    {
        // Small chunks (mean about 4.6 KiB) so that many of 200 edits land near a boundary.
        var parameters = new ChunkerParameters(903, 1024, 4096, 16384);
        var state = 4242UL;
        var withinOne = 0;
        var withinTwo = 0;
        const int Edits = 200;
        for (var i = 0; i < Edits; i++)
        {
            var original = TestData.Random(512 * 1024, TestData.Next(ref state));
            var (edited, position, editEnd) = Edit(original, ref state);
            var changed = Compare(Chunker.ChunkLengths(original, parameters), Chunker.ChunkLengths(edited, parameters), position, editEnd).ChangedChunks;
            withinOne += changed <= 1 ? 1 : 0;
            withinTwo += changed <= 2 ? 1 : 0;
        }

        // With this seed: 190 of 200 edits cost one chunk and 194 at most two (a larger sample of
        // edits forced next to a cut: 36% one chunk, 75% at most two; see docs/chunking.md).
        Assert.InRange(withinOne, Edits * 90 / 100, Edits);
        Assert.InRange(withinTwo, Edits * 95 / 100, Edits);
    }

    /// <summary>Inserts, deletes or overwrites 1 to 64 bytes at a uniformly random position; returns where the edit starts and ends in the edited buffer.</summary>
    private static (byte[] Edited, int Position, int EditEnd) Edit(byte[] original, ref ulong state)
    {
        var kind = TestData.Next(ref state) % 3;
        var length = (int)(TestData.Next(ref state) % 64) + 1;
        var position = (int)(TestData.Next(ref state) % (ulong)(original.Length - length));
        var run = TestData.Random(length, TestData.Next(ref state));
        return kind switch
        {
            0 => ([.. original.AsSpan(0, position), .. run, .. original.AsSpan(position)], position, position + length),
            1 => ([.. original.AsSpan(0, position), .. original.AsSpan(position + length)], position, position),
            _ => (Overwrite(original, position, run), position, position + length),
        };
    }

    private static byte[] Overwrite(byte[] original, int position, byte[] run)
    {
        var copy = (byte[])original.Clone();
        run.CopyTo(copy, position);
        return copy;
    }

    /// <summary>
    /// Splits the edited chunk list into the unchanged prefix, the changed run and the unchanged
    /// (shifted) suffix. Equal lengths mean equal content only for chunks wholly before the edit,
    /// or wholly after it counted from the end, so only those can be unchanged.
    /// </summary>
    private static (long PrefixBytes, long ChangedBytes, int ChangedChunks) Compare(List<int> before, List<int> after, int position, int editEnd)
    {
        var prefix = 0;
        long prefixBytes = 0;
        while (prefix < before.Count && prefix < after.Count && before[prefix] == after[prefix] && prefixBytes + after[prefix] <= position)
        {
            prefixBytes += before[prefix];
            prefix++;
        }

        var suffix = 0;
        long suffixStart = after.Sum(l => (long)l);
        while (suffix < before.Count - prefix && suffix < after.Count - prefix && before[^(suffix + 1)] == after[^(suffix + 1)]
            && suffixStart - after[^(suffix + 1)] >= editEnd)
        {
            suffixStart -= after[^(suffix + 1)];
            suffix++;
        }

        var changed = after.Skip(prefix).Take(after.Count - prefix - suffix).ToList();
        return (prefixBytes, changed.Sum(l => (long)l), changed.Count);
    }
}
