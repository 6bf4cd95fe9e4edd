using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

/// <summary>A pull pass plans and fetches a bounded number of names at a time (SyncEngineOptions.PullSliceNames).</summary>
public sealed class PullSliceTests
{
    // A failed pass would be retried only after an hour, so "eventually" below means "in the same pass".
    private static readonly SyncEngineOptions SmallSlices = TestDevice.TestOptions with { PullSliceNames = 7, PullRetryInterval = TimeSpan.FromHours(1) };

    [Fact]
    public async Task A_pull_with_more_needs_than_one_slice_fetches_everything()
    {
        await using var a = TestDevice.Create("a", SmallSlices);
        var logs = new ListLoggerProvider();
        await using var b = TestDevice.Create("b", SmallSlices, loggers: logs);
        for (var i = 0; i < 40; i++)
        {
            a.Write($"d{i % 3}/{(i % 2 == 0 ? "sub/" : string.Empty)}f{i:D2}.txt", SyncEngineTests.RandomBytes(100 + i, i));
        }

        a.Write("big.bin", SyncEngineTests.RandomBytes(3 << 20, 99));
        await a.ScanAsync();

        await using var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && b.Status is { State: FolderState.Idle, NeedFiles: 0 }, "every slice arrived");
        Assert.True(logs.Contains("a slice of names after"), "the pass was not sliced");
    }

    [Fact]
    public async Task A_directory_deleted_with_more_entries_than_one_slice_is_deleted_in_the_same_pass()
    {
        await using var a = TestDevice.Create("a", SmallSlices);
        var logs = new ListLoggerProvider();
        await using var b = TestDevice.Create("b", SmallSlices, loggers: logs);
        for (var i = 0; i < 20; i++)
        {
            a.Write($"gone/{(i % 2 == 0 ? "inner/" : string.Empty)}f{i:D2}.txt", SyncEngineTests.RandomBytes(50 + i, i));
        }

        a.Write("kept.txt", "stays");
        await a.ScanAsync();
        await using var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle, "the first sync");

        Directory.Delete(a.PathOf("gone"), recursive: true);
        await a.ScanAsync();

        await Eventually.TrueAsync(() => !Directory.Exists(b.PathOf("gone")) && b.Status is { State: FolderState.Idle, NeedFiles: 0 }, "the directory was deleted");
        Assert.True(TreeSnapshot.Same(a, b));
        Assert.False(logs.Contains("holds files not in the index"), "a directory was deleted before its children");
    }
}
