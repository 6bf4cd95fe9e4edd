using System.Collections.Concurrent;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class DirectoryMoveTests
{
    private const int TopFiles = 40;
    private const int SubFiles = 5;

    [Fact]
    public async Task A_directory_renamed_elsewhere_is_one_rename_and_one_index_transaction_here()
    {
        var hooks = new HookFileSystem();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", fileSystem: hooks);
        await using var link = await SyncedPairAsync(a, b);
        var renames = Record(hooks, b);
        var commitsBefore = b.Store.LocalCommits;
        var fetchedBefore = b.Engine.ChunkBytesFetched;

        Directory.Move(a.PathOf("docs"), a.PathOf("papers"));
        await a.ScanAsync();
        await Eventually.TrueAsync(() => Recorded(b, "papers") && TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle, "rename applied on b");

        Assert.Equal(new[] { "docs -> papers" }, renames.ToArray());
        Assert.Equal(1, b.Store.LocalCommits - commitsBefore);
        Assert.Equal(fetchedBefore, b.Engine.ChunkBytesFetched);
        Assert.True(b.Store.GetLocal(TestDevice.FolderId, "docs/sub/g02.bin")!.Entry.Deleted);
        Assert.Equal(a.Store.GetLocal(TestDevice.FolderId, "papers/sub/g02.bin")!.Entry.Manifest.FileHash,
            b.Store.GetLocal(TestDevice.FolderId, "papers/sub/g02.bin")!.Entry.Manifest.FileHash);
    }

    [Fact]
    public async Task The_puller_tells_the_watcher_about_a_directory_it_renamed_and_recorded()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        await using var link = await SyncedPairAsync(a, b);
        Assert.True(b.Engine.TryGetFolder(TestDevice.FolderId, out var folder));

        Directory.Move(a.PathOf("docs"), a.PathOf("papers"));
        await a.ScanAsync();
        await Eventually.TrueAsync(() => Recorded(b, "papers") && TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle, "rename applied on b");

        Assert.True(folder.PullerMoves.TryTake("docs", "papers"));
        Assert.False(folder.PullerMoves.TryTake("docs", "papers"), "taken once");
    }

    [Fact]
    public async Task A_directory_holding_a_file_unknown_to_the_index_is_moved_file_by_file_and_the_file_is_kept()
    {
        var hooks = new HookFileSystem();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", fileSystem: hooks);
        await using var link = await SyncedPairAsync(a, b);
        b.Write("docs/notes-not-scanned.txt", "only on b");
        var renames = Record(hooks, b);
        var fetchedBefore = b.Engine.ChunkBytesFetched;

        Directory.Move(a.PathOf("docs"), a.PathOf("papers"));
        await a.ScanAsync();
        await Eventually.TrueAsync(() => Recorded(b, "papers") && TreeSnapshot.Of(a.PathOf("papers")) == TreeSnapshot.Of(b.PathOf("papers")), "files moved on b");

        Assert.DoesNotContain("docs -> papers", renames);
        Assert.Equal(TopFiles + SubFiles, renames.Count);
        Assert.Equal(fetchedBefore, b.Engine.ChunkBytesFetched);
        Assert.Equal("only on b", b.Read("docs/notes-not-scanned.txt"));
    }

    [Fact]
    public async Task A_directory_holding_a_file_changed_since_the_last_scan_is_not_moved_as_a_whole_and_the_change_is_kept()
    {
        var hooks = new HookFileSystem();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", fileSystem: hooks);
        await using var link = await SyncedPairAsync(a, b);
        var original = a.Store.GetLocal(TestDevice.FolderId, "docs/f03.bin")!.Entry.Manifest.FileHash;
        b.Write("docs/f03.bin", "edited on b, not scanned yet");
        var renames = Record(hooks, b);

        Directory.Move(a.PathOf("docs"), a.PathOf("papers"));
        await a.ScanAsync();

        // The edit beats the delete: it stays on b and comes back to a under its old name.
        await Eventually.TrueAsync(() => Recorded(b, "papers") && File.Exists(a.PathOf("docs/f03.bin")) &&
                                         a.Read("docs/f03.bin") == "edited on b, not scanned yet", "the edit reached a");
        Assert.DoesNotContain("docs -> papers", renames);
        Assert.Equal("edited on b, not scanned yet", b.Read("docs/f03.bin"));
        Assert.Equal(original, b.Store.GetLocal(TestDevice.FolderId, "papers/f03.bin")!.Entry.Manifest.FileHash);
        Assert.Equal(TreeSnapshot.Of(a.PathOf("papers")), TreeSnapshot.Of(b.PathOf("papers")));
    }

    [Fact]
    public async Task A_directory_renamed_but_not_recorded_before_a_crash_is_recovered_by_the_next_scan_without_transfer()
    {
        var hooks = new HookFileSystem();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", fileSystem: hooks);
        await using var link = await SyncedPairAsync(a, b);
        var crashed = 0;
        hooks.AfterRename = (from, _) =>
        {
            // The rename happened; what would follow it (flushes, the index commit) does not.
            if (from == b.PathOf("docs") && Interlocked.Exchange(ref crashed, 1) == 0)
            {
                throw new IOException("simulated crash after the directory rename");
            }
        };
        var fetchedBefore = a.Engine.ChunkBytesFetched + b.Engine.ChunkBytesFetched;

        Directory.Move(a.PathOf("docs"), a.PathOf("papers"));
        await a.ScanAsync();
        await Eventually.TrueAsync(
            () => Recorded(b, "papers") && TreeSnapshot.Same(a, b) && a.Status.State == FolderState.Idle && b.Status.State == FolderState.Idle,
            "rename recovered on b");

        Assert.Equal(1, crashed);
        Assert.Equal(fetchedBefore, a.Engine.ChunkBytesFetched + b.Engine.ChunkBytesFetched);
        Assert.DoesNotContain("sync-conflict", TreeSnapshot.Of(b.FolderPath), StringComparison.Ordinal);
        Assert.False(Directory.Exists(b.PathOf("docs")));
    }

    [Fact]
    public async Task A_directory_rename_announced_in_several_messages_is_still_one_rename_here()
    {
        var hooks = new HookFileSystem();
        await using var a = TestDevice.Create("a", TestDevice.TestOptions with { IndexBatchBytes = 2048 });
        await using var b = TestDevice.Create("b", fileSystem: hooks);
        SlowIndexLink? slow = null;
        await using var link = await SyncedPairAsync(a, b, inner => slow = new SlowIndexLink(inner, TimeSpan.FromMilliseconds(300)));
        var renames = Record(hooks, b);
        slow!.Slow = true;

        Directory.Move(a.PathOf("docs"), a.PathOf("papers"));
        await a.ScanAsync();
        await Eventually.TrueAsync(() => Recorded(b, "papers") && TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle, "rename applied on b");

        Assert.Equal(new[] { "docs -> papers" }, renames.ToArray());
    }

    private static async Task<TestLink> SyncedPairAsync(TestDevice a, TestDevice b, Func<InMemoryLink, ILink>? wrapA = null)
    {
        for (var i = 0; i < TopFiles; i++)
        {
            a.Write($"docs/f{i:D2}.bin", SyncEngineTests.RandomBytes(2000 + (i * 31), i));
        }

        for (var i = 0; i < SubFiles; i++)
        {
            a.Write($"docs/sub/g{i:D2}.bin", SyncEngineTests.RandomBytes(3000 + i, 100 + i));
        }

        a.Write("other.txt", "stays where it is");
        await a.ScanAsync();
        var link = TestLink.Connect(a, b, wrapA: wrapA);
        await Eventually.TrueAsync(() => Recorded(b, "docs") && TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle, "initial sync");
        return link;
    }

    // Every file of the test tree is recorded on b below `directory`.
    private static bool Recorded(TestDevice device, string directory) =>
        Enumerable.Range(0, TopFiles).All(i => device.Store.GetLocal(TestDevice.FolderId, $"{directory}/f{i:D2}.bin") is { Entry.Deleted: false }) &&
        Enumerable.Range(0, SubFiles).All(i => device.Store.GetLocal(TestDevice.FolderId, $"{directory}/sub/g{i:D2}.bin") is { Entry.Deleted: false });

    private static ConcurrentQueue<string> Record(HookFileSystem hooks, TestDevice device)
    {
        var renames = new ConcurrentQueue<string>();
        hooks.BeforeRename = (from, to) =>
            renames.Enqueue($"{Path.GetRelativePath(device.FolderPath, from).Replace('\\', '/')} -> {Path.GetRelativePath(device.FolderPath, to).Replace('\\', '/')}");
        return renames;
    }
}
