using Mesh.Peer.Identity;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class InMemoryLinkTests
{
    [Fact]
    public async Task Messages_arrive_in_order_and_bytes_are_counted_on_both_ends()
    {
        using var a = DeviceIdentity.CreateEphemeral();
        using var b = DeviceIdentity.CreateEphemeral();
        var (ab, ba) = InMemoryLink.CreatePair(a.Id, b.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await ab.SendAsync(new byte[] { 1, 2, 3 }, timeout.Token);
        await ab.SendAsync(new byte[] { 4 }, timeout.Token);

        Assert.Equal(new byte[] { 1, 2, 3 }, (await ba.ReceiveAsync(timeout.Token))!.Value.ToArray());
        Assert.Equal(new byte[] { 4 }, (await ba.ReceiveAsync(timeout.Token))!.Value.ToArray());
        Assert.Equal(4, ab.BytesSent);
        Assert.Equal(4, ba.BytesReceived);
        Assert.Equal(b.Id, ab.RemoteDevice);
        Assert.Equal(a.Id, ba.RemoteDevice);
    }

    [Fact]
    public async Task Closing_ends_the_other_side_in_order_and_breaking_fails_it()
    {
        using var a = DeviceIdentity.CreateEphemeral();
        using var b = DeviceIdentity.CreateEphemeral();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (ab, ba) = InMemoryLink.CreatePair(a.Id, b.Id);
        await ab.CloseAsync();
        Assert.Null(await ba.ReceiveAsync(timeout.Token));

        var (cd, dc) = InMemoryLink.CreatePair(a.Id, b.Id);
        var pending = dc.ReceiveAsync(timeout.Token).AsTask();
        cd.Break();
        await Assert.ThrowsAsync<LinkClosedException>(() => pending);
        await Assert.ThrowsAsync<LinkClosedException>(() => cd.SendAsync(new byte[] { 1 }, timeout.Token).AsTask());
    }

    [Fact]
    public async Task A_byte_budget_holds_requests_until_earlier_ones_are_released()
    {
        var budget = new ByteBudget(100);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await budget.AcquireAsync(60, timeout.Token);
        var second = budget.AcquireAsync(60, timeout.Token);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        budget.Release(60);
        await second.WaitAsync(timeout.Token);
        Assert.Equal(60, budget.InUse);

        // Larger than the whole budget: let through alone rather than never.
        budget.Release(60);
        await budget.AcquireAsync(500, timeout.Token);
        Assert.Equal(500, budget.InUse);
    }
}
