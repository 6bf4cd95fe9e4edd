using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

/// <summary>
/// Two links to the same device, one replacing the other, the way DirectLinkService hands them over
/// when both sides dial at once: it cancels the replaced link's token and then starts the new one, but
/// both callbacks may reach the engine in either order, or at the same moment.
/// </summary>
public sealed class LinkReplacementTests
{
    [Fact]
    public async Task A_link_handed_over_after_it_was_already_replaced_does_not_stop_the_pull_on_the_current_link()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", TestDevice.TestOptions with { MaxParallelRequestsPerFile = 4, MaxInFlightBytesPerLink = 1024 * 1024 });
        var content = SyncEngineTests.RandomBytes(16 * 1024 * 1024, 11);
        a.Write("large.bin", content);
        await a.ScanAsync();

        using var live = new CancellationTokenSource();
        var (aEnd, bEnd) = InMemoryLink.CreatePair(a.Id, b.Id);
        var aRun = Task.Run(() => a.Engine.RunLinkAsync(aEnd, live.Token));
        var bRun = Task.Run(() => b.Engine.RunLinkAsync(bEnd, live.Token));
        await Eventually.TrueAsync(() => b.Engine.ChunkBytesFetched > 0, "the pull started on the current link");

        // The replaced link: its owner cancelled it before the current one started, but its callback
        // only reaches the engine now.
        var (staleA, staleB) = InMemoryLink.CreatePair(a.Id, b.Id);
        using var replaced = new CancellationTokenSource();
        await replaced.CancelAsync();
        await b.Engine.RunLinkAsync(staleB, replaced.Token).WaitAsync(TimeSpan.FromSeconds(30));
        await staleA.DisposeAsync();

        await Eventually.TrueAsync(() => File.Exists(b.PathOf("large.bin")), "the pull finished on the current link", timeoutSeconds: 120);
        Assert.Equal(content, File.ReadAllBytes(b.PathOf("large.bin")));
        Assert.Same(bEnd, b.Engine.Connections.Single().Link);
        Assert.False(bRun.IsCompleted, "the current link was stopped by the replaced one");

        await live.CancelAsync();
        await Task.WhenAll(aRun, bRun).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Two_links_to_one_device_handed_over_at_the_same_moment_leave_the_current_one_serving_the_folder()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        for (var round = 0; round < 30; round++)
        {
            a.Write($"file{round}.txt", $"round {round}");
            await a.ScanAsync();

            using var live = new CancellationTokenSource();
            using var replaced = new CancellationTokenSource();
            await replaced.CancelAsync();
            var (aEnd, bEnd) = InMemoryLink.CreatePair(a.Id, b.Id);
            var (staleA, staleB) = InMemoryLink.CreatePair(a.Id, b.Id);
            var aRun = Task.Run(() => a.Engine.RunLinkAsync(aEnd, live.Token));
            using var start = new Barrier(2);
            var staleRun = Task.Run(() =>
            {
                start.SignalAndWait();
                return b.Engine.RunLinkAsync(staleB, replaced.Token);
            });
            var bRun = Task.Run(() =>
            {
                start.SignalAndWait();
                return b.Engine.RunLinkAsync(bEnd, live.Token);
            });
            await staleRun.WaitAsync(TimeSpan.FromSeconds(30));

            // The engine must use the link that is still running, whichever call came first.
            await Eventually.TrueAsync(() => File.Exists(b.PathOf($"file{round}.txt")), $"round {round}: b pulled over the current link");
            Assert.Same(bEnd, b.Engine.Connections.Single().Link);
            Assert.False(bRun.IsCompleted, $"round {round}: the current link was stopped by the replaced one");

            await live.CancelAsync();
            aEnd.Break();
            await Task.WhenAll(aRun, bRun).WaitAsync(TimeSpan.FromSeconds(30));
            await staleA.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_link_stopped_by_its_owner_or_replaced_logs_that_reason_rather_than_engine_stopping()
    {
        var logs = new ListLoggerProvider();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", loggers: logs);
        using var first = new CancellationTokenSource();
        var (a1, b1) = InMemoryLink.CreatePair(a.Id, b.Id);
        var aRun1 = Task.Run(() => a.Engine.RunLinkAsync(a1, first.Token));
        var bRun1 = Task.Run(() => b.Engine.RunLinkAsync(b1, first.Token));
        await Eventually.TrueAsync(() => b.Engine.Connections.Count == 1, "first link ready");

        // The owner stops the first link, as DirectLinkService does when another connection replaces it.
        await first.CancelAsync();
        await Task.WhenAll(aRun1, bRun1).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(logs.Contains("ended: stopped by the link's owner"), string.Join("\n", logs.Lines));

        // A newer link handed to the engine replaces the current one.
        using var live = new CancellationTokenSource();
        var (a2, b2) = InMemoryLink.CreatePair(a.Id, b.Id);
        var (a3, b3) = InMemoryLink.CreatePair(a.Id, b.Id);
        var runs = new[]
        {
            Task.Run(() => a.Engine.RunLinkAsync(a2, live.Token)),
            Task.Run(() => b.Engine.RunLinkAsync(b2, live.Token)),
        };
        await Eventually.TrueAsync(() => b.Engine.Connections.Count == 1, "second link ready");
        var newer = new[]
        {
            Task.Run(() => a.Engine.RunLinkAsync(a3, live.Token)),
            Task.Run(() => b.Engine.RunLinkAsync(b3, live.Token)),
        };
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(logs.Contains("ended: replaced by a newer link to the same device"), string.Join("\n", logs.Lines));
        Assert.False(logs.Contains("engine stopping"), string.Join("\n", logs.Lines));

        await live.CancelAsync();
        await Task.WhenAll(newer).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
