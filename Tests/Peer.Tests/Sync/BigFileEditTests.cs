using System.Security.Cryptography;
using Mesh.Chunking;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

/// <summary>
/// A small edit of a big file: the receiver rebuilds it from the version it already has, in large
/// ranges, fetching only the changed chunks; and its own writes do not send its watcher rescanning.
/// </summary>
public sealed class BigFileEditTests
{
    internal const string Big = "big.bin";
    internal const int BigBytes = 24 * 1024 * 1024;

    [Fact]
    public async Task An_overwritten_byte_is_rebuilt_from_the_old_file_in_ranges_and_only_its_chunk_is_fetched()
    {
        var hooks = new HookFileSystem();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", fileSystem: hooks);
        await using var link = await SyncBigFileAsync(a, b);
        var opens = CountOpens(hooks, b.PathOf(Big));
        var fetchedBefore = b.Engine.ChunkBytesFetched;

        FlipByte(a.PathOf(Big), BigBytes / 2);
        await a.ScanAsync(Big);
        await Eventually.TrueAsync(() => SameContent(a, b) && b.Status.State == FolderState.Idle, "the edit arrived");

        AssertFewChunksFetched(b.Engine.ChunkBytesFetched - fetchedBefore);
        Assert.True(opens() <= 2, $"the old file was opened {opens()} times: copied chunk by chunk, not in ranges");
    }

    [Fact]
    public async Task An_inserted_byte_is_rebuilt_from_the_old_file_shifted_by_one()
    {
        var hooks = new HookFileSystem();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", fileSystem: hooks);
        await using var link = await SyncBigFileAsync(a, b);
        var opens = CountOpens(hooks, b.PathOf(Big));
        var fetchedBefore = b.Engine.ChunkBytesFetched;

        var old = File.ReadAllBytes(a.PathOf(Big));
        var shifted = new byte[old.Length + 1];
        old.AsSpan(0, 1000).CopyTo(shifted);
        shifted[1000] = 0x5a;
        old.AsSpan(1000).CopyTo(shifted.AsSpan(1001));
        File.WriteAllBytes(a.PathOf("staged.tmp-new"), shifted);
        File.Move(a.PathOf("staged.tmp-new"), a.PathOf(Big), overwrite: true);
        await a.ScanAsync(Big);
        await Eventually.TrueAsync(() => SameContent(a, b) && b.Status.State == FolderState.Idle, "the insert arrived");

        AssertFewChunksFetched(b.Engine.ChunkBytesFetched - fetchedBefore);
        Assert.True(opens() <= 2, $"the old file was opened {opens()} times: copied chunk by chunk, not in ranges");
    }

    [Fact]
    public async Task An_old_file_that_changes_during_the_copy_is_noticed_and_nothing_mixed_is_committed()
    {
        var hooks = new HookFileSystem();
        var logs = new ListLoggerProvider();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", fileSystem: hooks, loggers: logs);
        await using var link = await SyncBigFileAsync(a, b);

        // When B opens its old copy to rebuild the new version, a local program writes to that copy
        // (far from A's edit, with a new mtime): the copy reads the changed bytes. A's edit changes the
        // length, so the file is rebuilt in a temporary file, not patched in place (InPlacePatchTests).
        var fired = 0;
        var target = b.PathOf(Big);
        hooks.BeforeOpenRead = path =>
        {
            if (path == target && Interlocked.Exchange(ref fired, 1) == 0)
            {
                FlipByte(path, BigBytes / 4);
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
            }
        };
        File.AppendAllBytes(a.PathOf(Big), [0x5a]);
        var fromA = SHA256.HashData(File.ReadAllBytes(a.PathOf(Big)));
        await a.ScanAsync(Big);
        await Eventually.TrueAsync(() => Volatile.Read(ref fired) == 1, "B started rebuilding the file");
        var fromB = SHA256.HashData(File.ReadAllBytes(target));

        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle && a.Status.State == FolderState.Idle, "both versions settled", 60);

        Assert.True(logs.Contains("no longer matches its index record around the copy"), "the change under the copy was not noticed");

        // Every file on B is one of the two versions whole (a copy of A's edit with B's changed bytes in
        // it would be neither), and neither version was lost.
        var contents = Directory.GetFiles(b.FolderPath).Select(p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))).ToList();
        Assert.All(contents, c => Assert.Contains(c, new[] { Convert.ToHexString(fromA), Convert.ToHexString(fromB) }));
        Assert.Contains(Convert.ToHexString(fromA), contents);
        Assert.Contains(Convert.ToHexString(fromB), contents);
    }

    [Fact]
    public async Task Files_the_puller_wrote_are_not_rescanned_by_the_receivers_watcher()
    {
        const int Files = 600;
        var watching = TestDevice.TestOptions with { Watch = true, WatchDebounce = TimeSpan.FromMilliseconds(100) };
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", watching);
        for (var d = 0; d < 3; d++)
        {
            a.Write($"small/d{d}/first.txt", "first");
        }

        await a.ScanAsync();
        await using var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle, "the directories arrived");
        await SettleWatcherAsync(b, "zz-sentinel-1.txt");
        var readBefore = b.Store.LocalEntriesRead;

        for (var i = 0; i < Files; i++)
        {
            a.Write($"small/d{i % 3}/f{i:D4}.txt", $"file {i}");
        }

        await a.ScanAsync();
        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle, "the files arrived", 120);
        await SettleWatcherAsync(b, "zz-sentinel-2.txt");

        // Each pulled file was renamed into place and raised an event; it matches its record, so a
        // rescan would find nothing. Rescanning each read its entry (and took both locks) per file.
        var read = b.Store.LocalEntriesRead - readBefore;
        Assert.True(read < Files / 4, $"the receiver's rescans read {read} entries for {Files} files it pulled itself");
    }

    [Fact]
    public async Task A_local_edit_of_a_file_is_still_rescanned_by_the_watcher()
    {
        var watching = TestDevice.TestOptions with { Watch = true, WatchDebounce = TimeSpan.FromMilliseconds(100) };
        await using var b = TestDevice.Create("b", watching);
        b.Write("doc.txt", "one");
        await b.ScanAsync();
        var before = b.Store.GetLocal(TestDevice.FolderId, "doc.txt")!.Entry.Sequence;

        b.Write("doc.txt", "two, longer");
        await Eventually.TrueAsync(() => b.Store.GetLocal(TestDevice.FolderId, "doc.txt")!.Entry.Sequence > before, "the edit was scanned");
    }

    [Fact]
    public void Copy_ranges_follow_the_old_file_through_an_overwrite_and_an_insert()
    {
        var data = SyncEngineTests.RandomBytes(4 * 1024 * 1024, 5);
        var old = ManifestBuilder.Build(data, ChunkerParameters.Default);

        var overwritten = (byte[])data.Clone();
        overwritten[data.Length / 2] ^= 0xff;
        var ranges = BaseFileCopy.Plan(old, ManifestBuilder.Build(overwritten, ChunkerParameters.Default));
        Assert.Equal(2, ranges.Count);
        Assert.All(ranges, r => Assert.Equal(r.Offset, r.SourceOffset));
        Assert.True(data.Length - ranges.Sum(r => r.Length) <= 2 * ChunkerParameters.Default.MaxSize);

        var inserted = new byte[data.Length + 1];
        data.AsSpan(0, 1000).CopyTo(inserted);
        data.AsSpan(1000).CopyTo(inserted.AsSpan(1001));
        var target = ManifestBuilder.Build(inserted, ChunkerParameters.Default);
        var shifted = Assert.Single(BaseFileCopy.Plan(old, target));
        Assert.Equal(shifted.SourceOffset + 1, shifted.Offset);
        Assert.Equal(target.Chunks.Count - 1, shifted.ChunkCount);
        Assert.Equal(1, shifted.FirstChunk);
    }

    internal static async Task<TestLink> SyncBigFileAsync(TestDevice a, TestDevice b)
    {
        a.Write(Big, SyncEngineTests.RandomBytes(BigBytes, 3));
        await a.ScanAsync();
        var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => SameContent(a, b) && b.Status.State == FolderState.Idle, "the big file arrived", 60);
        return link;
    }

    // A file written on B after everything else: once it is in B's index, the watcher has flushed and
    // every rescan queued before it has run.
    private static async Task SettleWatcherAsync(TestDevice b, string sentinel)
    {
        b.Write(sentinel, "sentinel");
        await Eventually.TrueAsync(() => b.Store.GetLocal(TestDevice.FolderId, sentinel) is not null, "the watcher noticed the sentinel");
    }

    private static Func<int> CountOpens(HookFileSystem hooks, string path)
    {
        var count = 0;
        hooks.BeforeOpenRead = p =>
        {
            if (p == path)
            {
                Interlocked.Increment(ref count);
            }
        };
        return () => Volatile.Read(ref count);
    }

    internal static bool SameContent(TestDevice a, TestDevice b) =>
        File.Exists(b.PathOf(Big)) && TreeSnapshot.Same(a, b) &&
        SHA256.HashData(File.ReadAllBytes(a.PathOf(Big))).AsSpan().SequenceEqual(SHA256.HashData(File.ReadAllBytes(b.PathOf(Big))));

    internal static void AssertFewChunksFetched(long fetched) =>
        Assert.True(fetched <= 3L * ChunkerParameters.Default.MaxSize, $"{fetched} bytes of chunks fetched for a one-byte change");

    internal static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var old = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(old ^ 0xff));
    }
}
