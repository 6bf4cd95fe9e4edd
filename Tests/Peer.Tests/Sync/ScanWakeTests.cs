using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class ScanWakeTests
{
    [Fact]
    public async Task A_scan_that_finds_nothing_new_does_not_wake_the_puller_and_one_that_finds_a_change_does()
    {
        await using var device = TestDevice.Create("a");
        device.Write("docs/a.txt", "one");
        await device.ScanAsync();
        Assert.True(device.Engine.TryGetFolder(TestDevice.FolderId, out var folder));

        var wake = folder.PullWanted.Next;
        await device.ScanAsync();
        await device.ScanAsync("docs");
        Assert.False(wake.IsCompleted);

        device.Write("docs/b.txt", "two");
        await device.ScanAsync("docs");
        Assert.True(wake.IsCompleted);
    }
}
