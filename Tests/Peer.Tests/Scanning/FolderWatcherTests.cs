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
}
