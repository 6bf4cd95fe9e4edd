using Google.Protobuf;
using Mesh.Peer.Identity;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

public sealed class ScanWakeTests
{
    [Fact]
    public async Task A_scan_that_finds_nothing_new_does_not_wake_the_puller_and_one_that_finds_a_change_a_peer_announced_otherwise_does()
    {
        await using var device = TestDevice.Create("a");
        using var peer = DeviceIdentity.CreateEphemeral();
        device.Write("docs/a.txt", "one");
        await device.ScanAsync();
        Assert.True(device.Engine.TryGetFolder(TestDevice.FolderId, out var folder));
        Announce(device, peer, "docs/b.txt", VersionVector.Of((peer.Id.ShortId, 1)));

        var wake = folder.PullWanted.Next;
        await device.ScanAsync();
        await device.ScanAsync("docs");
        Assert.False(wake.IsCompleted);

        device.Write("docs/b.txt", "two");
        await device.ScanAsync("docs");
        Assert.True(wake.IsCompleted);
    }

    [Fact]
    public async Task A_local_rename_whose_versions_cover_what_peers_announced_does_not_wake_the_puller_when_nothing_is_needed()
    {
        await using var device = TestDevice.Create("a");
        using var peer = DeviceIdentity.CreateEphemeral();
        device.Write("docs/a.txt", "one");
        device.Write("docs/b.txt", "two");
        await device.ScanAsync();
        Assert.True(device.Engine.TryGetFolder(TestDevice.FolderId, out var folder));

        // The peer has exactly the local versions, as after a sync.
        foreach (var name in new[] { "docs", "docs/a.txt", "docs/b.txt" })
        {
            Announce(device, peer, name, VersionVector.FromProto(device.Store.GetLocal(TestDevice.FolderId, name)!.Entry.Version));
        }

        var wake = folder.PullWanted.Next;
        Directory.Move(device.PathOf("docs"), device.PathOf("papers"));
        var result = await device.Engine.ScanPathsAsync(TestDevice.FolderId, ["docs", "papers"]);

        Assert.Equal(6, result.Changed);
        Assert.False(result.MayNeed);
        Assert.False(wake.IsCompleted);
        Assert.True(device.Store.GetLocal(TestDevice.FolderId, "docs/a.txt")!.Entry.Deleted);
    }

    [Fact]
    public async Task A_local_change_wakes_the_puller_while_something_is_still_needed_even_if_it_covers_what_peers_announced()
    {
        await using var device = TestDevice.Create("a");
        Assert.True(device.Engine.TryGetFolder(TestDevice.FolderId, out var folder));

        // The puller's first pass sets the status when it ends; it must be over before the status below
        // is set, and the scan after it (nothing needed before, nothing announced) wakes no other pass.
        await Eventually.TrueAsync(() => folder.PullPasses >= 1, "the puller's first pass is over");
        device.Write("docs/a.txt", "one");
        Assert.False((await device.Engine.ScanPathsAsync(TestDevice.FolderId, null)).MayNeed);
        folder.Status = new FolderStatus(FolderState.Syncing, 1, 10, null);

        var wake = folder.PullWanted.Next;
        device.Write("docs/c.txt", "three");
        var result = await device.Engine.ScanPathsAsync(TestDevice.FolderId, ["docs"]);

        Assert.False(result.MayNeed);
        Assert.True(wake.IsCompleted);
    }

    [Fact]
    public void Local_versions_cover_announced_ones_only_when_newer_or_equal_for_every_name()
    {
        var local = new[] { Entry("x", VersionVector.Of((1, 2))), Entry("y", VersionVector.Of((1, 1))) };

        Assert.True(NeedPlanner.CoversAnnounced(local, []));
        Assert.True(NeedPlanner.CoversAnnounced(local, [("x", VersionVector.Of((1, 1)).ToProto().ToByteArray()), ("y", VersionVector.Of((1, 1)).ToProto().ToByteArray())]));
        Assert.False(NeedPlanner.CoversAnnounced(local, [("x", VersionVector.Of((1, 3)).ToProto().ToByteArray())]));
        Assert.False(NeedPlanner.CoversAnnounced(local, [("y", VersionVector.Of((2, 1)).ToProto().ToByteArray())]));
        Assert.False(NeedPlanner.CoversAnnounced(local, [("z", VersionVector.Of((1, 1)).ToProto().ToByteArray())]));
    }

    private static void Announce(TestDevice device, DeviceIdentity peer, string name, VersionVector version) =>
        device.Store.StoreRemote(TestDevice.FolderId, peer.Id, 7, [Entry(name, version)], replaceAll: false);

    private static FileEntry Entry(string name, VersionVector version) => new()
    {
        Name = name,
        Type = FileType.File,
        Version = version.ToProto(),
        Sequence = 1,
    };
}
