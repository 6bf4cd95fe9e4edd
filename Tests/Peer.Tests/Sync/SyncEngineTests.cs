using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class SyncEngineTests
{
    [Fact]
    public async Task Two_devices_sync_a_mixed_tree_both_ways()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        a.Write("docs/readme.txt", "hello from a");
        a.Write("docs/deep/nested/file.bin", RandomBytes(300_000, 1));
        Directory.CreateDirectory(a.PathOf("empty/dir"));
        File.CreateSymbolicLink(a.PathOf("link"), "docs/readme.txt");
        b.Write("from-b.txt", "hello from b");
        b.Write("big.bin", RandomBytes(2_500_000, 2));
        await a.ScanAsync();
        await b.ScanAsync();

        await using var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && File.Exists(a.PathOf("big.bin")) && File.Exists(b.PathOf("link")), "trees equal");

        Assert.Equal("hello from a", b.Read("docs/readme.txt"));
        Assert.True(Directory.Exists(b.PathOf("empty/dir")));
        Assert.Equal("docs/readme.txt", new FileInfo(b.PathOf("link")).LinkTarget);
        Assert.Equal(File.ReadAllBytes(b.PathOf("big.bin")), File.ReadAllBytes(a.PathOf("big.bin")));

        // Then edits, a delete and an empty directory's removal, the other way round.
        b.Write("docs/readme.txt", "edited on b");
        File.Delete(b.PathOf("docs/deep/nested/file.bin"));
        Directory.Delete(b.PathOf("empty/dir"));
        await b.ScanAsync();
        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b), "edits, deletes and removed directory reach a");
        Assert.Equal("edited on b", a.Read("docs/readme.txt"));
        Assert.False(File.Exists(a.PathOf("docs/deep/nested/file.bin")));
        Assert.False(Directory.Exists(a.PathOf("empty/dir")));
    }

    [Fact]
    public async Task A_change_reaches_the_end_of_a_line_of_three_devices()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        await using var c = TestDevice.Create("c");
        await using var ab = TestLink.Connect(a, b);
        await using var bc = TestLink.Connect(b, c);

        a.Write("from-a.txt", "travels through b");
        await a.ScanAsync();

        await Eventually.TrueAsync(() => File.Exists(c.PathOf("from-a.txt")), "c has a's file");
        Assert.Equal("travels through b", c.Read("from-a.txt"));

        a.Write("from-a.txt", "second version");
        await a.ScanAsync();
        await Eventually.TrueAsync(() => c.Read("from-a.txt") == "second version", "c has a's edit");
        Assert.Empty(Directory.GetFiles(c.FolderPath, "*sync-conflict*"));
    }

    [Fact]
    public async Task A_device_that_was_offline_catches_up_with_only_the_delta()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        for (var i = 0; i < 200; i++)
        {
            a.Write($"many/file{i:D3}.txt", $"content {i} " + new string('x', 2000));
        }

        await a.ScanAsync();
        long firstBytes;
        await using (var first = TestLink.Connect(a, b))
        {
            await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b), "initial sync");
            firstBytes = first.TotalBytes;
        }

        // b is offline while a changes one file.
        a.Write("many/file007.txt", "changed while b was away");
        await a.ScanAsync();

        await using var second = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => b.Read("many/file007.txt") == "changed while b was away", "b caught up");
        await Task.Delay(200);

        // Only the changed entry and its chunk crossed the link, not the 200-entry index again.
        Assert.True(second.TotalBytes < firstBytes / 10, $"catch-up moved {second.TotalBytes} bytes; the initial sync moved {firstBytes}");
    }

    [Fact]
    public async Task Concurrent_edits_keep_both_contents_with_exactly_one_conflict_copy()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        a.Write("shared.txt", "original");
        await a.ScanAsync();
        await using (var link = TestLink.Connect(a, b))
        {
            await Eventually.TrueAsync(() => File.Exists(b.PathOf("shared.txt")), "b has the file");
        }

        a.Write("shared.txt", "edited on a");
        await a.ScanAsync();
        b.Write("shared.txt", "edited on b, later and longer");
        await b.ScanAsync();

        await using var again = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && Directory.GetFiles(a.FolderPath, "*.sync-conflict-*").Length == 1, "one conflict copy on both");
        await Task.Delay(300);

        foreach (var device in new[] { a, b })
        {
            var copies = Directory.GetFiles(device.FolderPath, "*.sync-conflict-*");
            var copy = Assert.Single(copies);
            var contents = new[] { device.Read("shared.txt"), File.ReadAllText(copy) }.Order().ToArray();
            Assert.Equal(new[] { "edited on a", "edited on b, later and longer" }, contents);
            Assert.Matches(@"shared\.sync-conflict-\d{8}-\d{6}-[A-Z2-7]{7}\.txt$", copy);
        }
    }

    [Fact]
    public async Task Identical_concurrent_changes_are_not_a_conflict()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        a.Write("same.txt", "identical bytes");
        b.Write("same.txt", "identical bytes");
        await a.ScanAsync();
        await b.ScanAsync();

        await using var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => a.Status.State == FolderState.Idle && b.Status.State == FolderState.Idle &&
            a.Store.GetLocal(TestDevice.FolderId, "same.txt")!.Entry.Version.Equals(b.Store.GetLocal(TestDevice.FolderId, "same.txt")!.Entry.Version), "versions merged");
        Assert.Empty(Directory.GetFiles(a.FolderPath, "*sync-conflict*"));
        Assert.Empty(Directory.GetFiles(b.FolderPath, "*sync-conflict*"));
        Assert.Equal(0, a.Engine.ChunkBytesFetched + b.Engine.ChunkBytesFetched);
    }

    [Fact]
    public async Task A_modification_wins_over_a_concurrent_delete()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        a.Write("contested.txt", "v1");
        await a.ScanAsync();
        await using (var link = TestLink.Connect(a, b))
        {
            await Eventually.TrueAsync(() => File.Exists(b.PathOf("contested.txt")), "b has the file");
        }

        File.Delete(a.PathOf("contested.txt"));
        await a.ScanAsync();
        b.Write("contested.txt", "modified on b");
        await b.ScanAsync();

        await using var again = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => File.Exists(a.PathOf("contested.txt")) && a.Read("contested.txt") == "modified on b", "modification restored on a");
        await Task.Delay(300);
        Assert.Equal("modified on b", b.Read("contested.txt"));
        Assert.Empty(Directory.GetFiles(a.FolderPath, "*sync-conflict*"));
    }

    internal static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
