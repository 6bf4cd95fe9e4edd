using Mesh.Peer.Files;
using Mesh.Peer.Sync;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Tests.Sync;

public sealed class AssemblyWriterTests
{
    [SkippableFact]
    public void Chunks_written_in_any_order_across_windows_make_the_file_and_whole_windows_go_by_direct_writes()
    {
        using var folder = new TempFolder();
        var expected = SyncEngineTests.RandomBytes((int)(2.5 * AssemblyWriter.WindowBytes) + 123, 11);
        var pool = new AlignedBlockPool(8 * 1024 * 1024);
        var path = folder.Combine("f.tmp");
        using (var file = new LocalFileSystem().OpenWrite(path))
        {
            var direct = DirectOrSkip(path);
            using (var writer = new AssemblyWriter(file, direct, expected.Length, pool))
            {
                Parallel.ForEach(Shuffled(Chunks(expected.Length, 5)), new ParallelOptions { MaxDegreeOfParallelism = 4 },
                    c => writer.Write(expected.AsSpan(c.Offset, c.Length), c.Offset));
                writer.Finish();

                // Every window was filled here, the last one too (padded to the alignment, then cut).
                Assert.Equal((2L * AssemblyWriter.WindowBytes) + (AssemblyWriter.WindowBytes / 2) + AlignedBlockPool.Alignment, writer.DirectBytes);
            }

            RandomAccess.SetLength(file, expected.Length);
        }

        Assert.Equal(expected, File.ReadAllBytes(path));
        Assert.Equal(pool.MaxBlocks, pool.Available);
    }

    [SkippableFact]
    public void Bytes_that_reached_the_file_another_way_are_never_overwritten_by_a_window()
    {
        // As when the old version's unchanged chunks were copied in first: part of window 0 is on disk
        // already, the rest comes through the writer. A direct write of the whole window would put the
        // pool block's leftovers over the copied bytes.
        using var folder = new TempFolder();
        var expected = SyncEngineTests.RandomBytes(AssemblyWriter.WindowBytes + 5000, 12);
        var pool = new AlignedBlockPool(8 * 1024 * 1024);
        Dirty(pool);
        var path = folder.Combine("f.tmp");
        var copied = (Offset: 70_000, Length: 90_000);
        using (var file = new LocalFileSystem().OpenWrite(path))
        {
            RandomAccess.Write(file, expected.AsSpan(copied.Offset, copied.Length), copied.Offset);
            using (var writer = new AssemblyWriter(file, DirectOrSkip(path), expected.Length, pool))
            {
                writer.Write(expected.AsSpan(0, copied.Offset), 0);
                writer.Write(expected.AsSpan(copied.Offset + copied.Length), copied.Offset + copied.Length);
                writer.Finish();

                // Window 0 went through the page cache; window 1, all written here, went directly.
                Assert.Equal(AlignedBlockPool.Alignment * 2L, writer.DirectBytes);
            }

            RandomAccess.SetLength(file, expected.Length);
        }

        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [SkippableFact]
    public void A_range_written_twice_does_not_make_a_window_with_a_gap_count_as_full()
    {
        // The window's byte count reaches its length, but a gap is left (filled another way): only the
        // ranges written here may be written.
        using var folder = new TempFolder();
        var expected = SyncEngineTests.RandomBytes(AlignedBlockPool.BlockBytes * 2, 13);
        var pool = new AlignedBlockPool(8 * 1024 * 1024);
        Dirty(pool);
        var path = folder.Combine("f.tmp");
        using (var file = new LocalFileSystem().OpenWrite(path))
        {
            RandomAccess.Write(file, expected.AsSpan(1000, 1000), 1000);
            using (var writer = new AssemblyWriter(file, DirectOrSkip(path), expected.Length, pool))
            {
                writer.Write(expected.AsSpan(0, 1000), 0);
                writer.Write(expected.AsSpan(0, 1000), 0);
                writer.Write(expected.AsSpan(2000), 2000);
                writer.Finish();
                Assert.Equal(0, writer.DirectBytes);
            }
        }

        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [SkippableFact]
    public void With_the_pool_used_up_the_rest_goes_through_the_page_cache_and_an_abandoned_writer_keeps_what_it_held()
    {
        using var folder = new TempFolder();
        var expected = SyncEngineTests.RandomBytes(3 * AssemblyWriter.WindowBytes, 14);
        var pool = new AlignedBlockPool(AssemblyWriter.WindowBytes);
        var path = folder.Combine("f.tmp");
        using (var file = new LocalFileSystem().OpenWrite(path))
        {
            var writer = new AssemblyWriter(file, DirectOrSkip(path), expected.Length, pool);
            using (writer)
            {
                // Window 0 holds the only blocks while it waits for its first bytes; windows 1 and 2 find none.
                writer.Write(expected.AsSpan(1, AssemblyWriter.WindowBytes - 1), 1);
                writer.Write(expected.AsSpan(AssemblyWriter.WindowBytes), AssemblyWriter.WindowBytes);
                Assert.Equal(0, pool.Available);
                writer.Write(expected.AsSpan(0, 1), 0);
                writer.Finish();
                Assert.Equal(AssemblyWriter.WindowBytes, writer.DirectBytes);
            }

            // A writer abandoned before Finish (the link dropped) still leaves what it held in the file, for
            // the next pass to resume from.
            RandomAccess.Write(file, new byte[10], 0);
            using (var abandoned = new AssemblyWriter(file, DirectOrSkip(path), expected.Length, pool))
            {
                abandoned.Write(expected.AsSpan(0, 10), 0);
                Assert.Equal(0, pool.Available);
            }

            Assert.Equal(pool.MaxBlocks, pool.Available);
        }

        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    private static SafeFileHandle DirectOrSkip(string path)
    {
        var direct = new LocalFileSystem().OpenDirectWrite(path);
        Skip.If(direct is null, "this file system does not offer direct I/O");
        return direct!;
    }

    // Leftovers in every block, so a window written over bytes it does not hold would show.
    private static void Dirty(AlignedBlockPool pool)
    {
        var blocks = pool.TryRent(pool.MaxBlocks)!;
        foreach (var block in blocks)
        {
            block.Span.Fill(0xEE);
        }

        pool.Return(blocks);
    }

    private static List<(int Offset, int Length)> Chunks(int length, int seed)
    {
        var random = new Random(seed);
        var chunks = new List<(int, int)>();
        for (var offset = 0; offset < length;)
        {
            var size = Math.Min(length - offset, random.Next(1, 200_000));
            chunks.Add((offset, size));
            offset += size;
        }

        return chunks;
    }

    private static List<T> Shuffled<T>(List<T> items)
    {
        var random = new Random(5);
        var copy = items.ToList();
        for (var i = copy.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy;
    }
}
