using Mesh.Peer.Scanning;
using Mesh.Peer.Sync;
using Mesh.Peer.Tests.Sync;

namespace Mesh.Peer.Tests.Scanning;

public sealed class FolderWatcherTests
{
    [Fact]
    public async Task A_new_file_is_indexed_by_the_watcher_after_the_debounce()
    {
        await using var device = TestDevice.Create("w", TestDevice.TestOptions with { Watch = true, WatchDebounce = TimeSpan.FromMilliseconds(100) });
        device.Write("new-dir/fresh.txt", "seen by the watcher");

        await Eventually.TrueAsync(() => device.Store.GetLocal(TestDevice.FolderId, "new-dir/fresh.txt") is not null, "indexed without an explicit scan", 20);
        Assert.NotNull(device.Store.GetLocal(TestDevice.FolderId, "new-dir"));
    }

    [Fact]
    public async Task A_directory_renamed_under_the_watcher_is_recorded_as_a_rename_without_reading_its_files()
    {
        var hooks = new HookFileSystem();
        await using var device = TestDevice.Create("w", TestDevice.TestOptions with { Watch = true, WatchDebounce = TimeSpan.FromMilliseconds(100) }, fileSystem: hooks);
        for (var i = 0; i < 20; i++)
        {
            device.Write($"top/docs/f{i:D2}.bin", SyncEngineTests.RandomBytes(3000 + i, i));
        }

        // The writes' events arrive in order before the fence's; once it is in, the full scan takes them
        // all over, so no late one can start a scan of a file's old name between the move and its event.
        Directory.CreateDirectory(device.PathOf("fence"));
        await Eventually.TrueAsync(() => device.Engine.WatcherHasPending(TestDevice.FolderId, "fence"), "the writes' events received", 20);
        await device.ScanAsync();
        var reads = 0;
        hooks.BeforeOpenRead = _ => Interlocked.Increment(ref reads);

        Directory.Move(device.PathOf("top/docs"), device.PathOf("top/papers"));

        await Eventually.TrueAsync(
            () => Enumerable.Range(0, 20).All(i => device.Store.GetLocal(TestDevice.FolderId, $"top/papers/f{i:D2}.bin") is { Entry.Deleted: false }) &&
                  device.Store.GetLocal(TestDevice.FolderId, "top/docs/f00.bin") is { Entry.Deleted: true },
            "the rename indexed by the watcher", 20);
        Assert.Equal(0, Volatile.Read(ref reads));
    }

    [Fact]
    public async Task Files_appearing_in_a_new_directory_are_handed_over_as_one_scan_of_the_directory()
    {
        using var root = new TempFolder();
        using var folder = new SyncFolder(new FolderOptions("w", root.Path), new Mesh.Peer.Files.LocalFileSystem());
        var requested = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var watcher = new FolderWatcher(folder, requested.Enqueue, _ => false, TimeSpan.FromSeconds(1), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Directory.CreateDirectory(Path.Combine(root.Path, "incoming", "d1"));
        for (var i = 0; i < 200; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(root.Path, "incoming", "d1", $"f{i:D3}.txt"), "x");
        }

        await Eventually.TrueAsync(() => !requested.IsEmpty, "a scan requested", 20);
        await Task.Delay(500);
        Assert.Equal(new string?[] { "incoming" }, requested.ToArray());
    }

    [Fact]
    public async Task A_directory_the_puller_renamed_is_not_rescanned_but_an_edit_inside_it_right_after_is()
    {
        using var root = new TempFolder();
        using var folder = new SyncFolder(new FolderOptions("w", root.Path), new Mesh.Peer.Files.LocalFileSystem());
        Directory.CreateDirectory(Path.Combine(root.Path, "docs"));
        for (var i = 0; i < 50; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(root.Path, "docs", $"f{i:D2}.txt"), "x");
        }

        var requested = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var watcher = new FolderWatcher(folder, requested.Enqueue, _ => true, TimeSpan.FromMilliseconds(300), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        // As DirectoryMover does: the rename, then the records, then the note for the watcher.
        Directory.Move(Path.Combine(root.Path, "docs"), Path.Combine(root.Path, "papers"));
        folder.PullerMoves.Add("docs", "papers");
        await File.WriteAllTextAsync(Path.Combine(root.Path, "papers", "f07.txt"), "edited by a user");

        await Eventually.TrueAsync(() => !requested.IsEmpty, "a scan requested", 20);
        await Task.Delay(700);
        Assert.Equal(new string?[] { "papers/f07.txt" }, requested.ToArray());
    }

    [Fact]
    public async Task A_directory_renamed_by_someone_else_than_the_puller_is_still_rescanned()
    {
        using var root = new TempFolder();
        using var folder = new SyncFolder(new FolderOptions("w", root.Path), new Mesh.Peer.Files.LocalFileSystem());
        Directory.CreateDirectory(Path.Combine(root.Path, "docs"));
        await File.WriteAllTextAsync(Path.Combine(root.Path, "docs", "f.txt"), "x");
        var requested = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var watcher = new FolderWatcher(folder, requested.Enqueue, _ => true, TimeSpan.FromMilliseconds(300), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        folder.PullerMoves.Add("docs", "elsewhere");

        Directory.Move(Path.Combine(root.Path, "docs"), Path.Combine(root.Path, "papers"));

        await Eventually.TrueAsync(() => requested.Count >= 2, "scans requested", 20);
        Assert.Equal(new string?[] { "docs", "papers" }, requested.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Events_a_scan_has_covered_are_not_scanned_again_when_the_debounce_ends()
    {
        using var root = new TempFolder();
        using var folder = new SyncFolder(new FolderOptions("w", root.Path), new Mesh.Peer.Files.LocalFileSystem());
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var requested = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var watcher = new FolderWatcher(folder, requested.Enqueue, _ => true, TimeSpan.FromSeconds(1), time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await File.WriteAllTextAsync(Path.Combine(root.Path, "scanned.txt"), "x");
        // A write raises several events, and they arrive in order: once the event of a directory made
        // afterwards (just one event) is in, no event of scanned.txt can arrive after the Forget.
        Directory.CreateDirectory(Path.Combine(root.Path, "fence"));
        await Eventually.TrueAsync(() => watcher.IsPending("fence"), "the events received", 20);

        watcher.Forget(["scanned.txt", "fence", "elsewhere"]);
        Assert.False(watcher.HasPending);
        await File.WriteAllTextAsync(Path.Combine(root.Path, "later.txt"), "y");
        await Eventually.TrueAsync(() => watcher.IsPending("later.txt"), "the later event received", 20);
        watcher.Forget(["scanned.txt"]);
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(new string?[] { "later.txt" }, requested.ToArray());
    }

    [Fact]
    public async Task An_explicit_scan_does_not_wait_for_the_watcher_and_takes_over_its_pending_events()
    {
        await using var device = TestDevice.Create("w", TestDevice.TestOptions with { Watch = true, WatchDebounce = TimeSpan.FromMinutes(10) });
        device.Write("edited.txt", "before the watcher's debounce ends");
        // The write's events arrive in order before the one of a directory made afterwards.
        Directory.CreateDirectory(device.PathOf("fence"));
        await Eventually.TrueAsync(() => device.Engine.WatcherHasPending(TestDevice.FolderId, "fence"), "the events received", 20);

        await device.ScanAsync("edited.txt");

        Assert.NotNull(device.Store.GetLocal(TestDevice.FolderId, "edited.txt"));
        Assert.False(device.Engine.WatcherHasPending(TestDevice.FolderId, "edited.txt"));
        Assert.True(device.Engine.WatcherHasPending(TestDevice.FolderId, "fence"));
    }

    [Theory]
    [InlineData("The configured user limit (8192) on the number of inotify watches was reached.", true)]
    [InlineData("fs.inotify.max_user_watches too low", true)]
    [InlineData("Access denied", false)]
    public void The_watch_limit_is_recognised_from_the_error(string message, bool expected) =>
        Assert.Equal(expected, FolderWatcher.IsWatchLimit(new IOException(message)));

    [Fact]
    public void Paths_below_a_queued_path_are_collapsed_into_it()
    {
        var queue = new ScanQueue();
        queue.Add("a/b/c");
        queue.Add("a/b");
        queue.Add("ab");
        var work = queue.TakeAsync(CancellationToken.None).Result;
        Assert.Equal(new string?[] { "a/b", "ab" }, work);

        queue.Add("x");
        queue.Add(null);
        Assert.Equal(new string?[] { null }, queue.TakeAsync(CancellationToken.None).Result);
    }

    [Fact]
    public void A_path_below_a_queued_one_is_collapsed_even_when_a_sibling_sorts_between_them()
    {
        var queue = new ScanQueue();
        queue.Add("a");
        queue.Add("a-x");
        queue.Add("a/b");
        Assert.Equal(new string?[] { "a", "a-x" }, queue.TakeAsync(CancellationToken.None).Result);
    }
}
