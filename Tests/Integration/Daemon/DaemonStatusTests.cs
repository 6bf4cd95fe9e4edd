namespace Mesh.Integration.Daemon;

/// <summary><c>mesh status --json</c> as other tools will read it.</summary>
public sealed class DaemonStatusTests
{
    [Fact]
    public async Task Status_reports_idle_with_nothing_needed_the_tcp_tls_path_and_bytes_once_both_agree()
    {
        using var pair = await DevicePair.CreateAsync();
        SampleTree.WriteMixed(pair.A.Folder);
        pair.StartBoth();
        await pair.WaitInSyncAsync(TimeSpan.FromSeconds(90));

        var a = await pair.A.StatusAsync();
        var b = await pair.B.StatusAsync();
        var files = TreeDigest.Of(pair.A.Folder).Count(e => e.Value.StartsWith("file:", StringComparison.Ordinal));
        foreach (var (self, other, status) in new[] { (pair.A, pair.B, a), (pair.B, pair.A, b) })
        {
            Assert.Equal(self.DeviceId, status.DeviceId);
            var folder = status.Folder(DevicePair.FolderId);
            Assert.Equal("idle", folder.State);
            Assert.Equal(0, folder.NeedFiles);
            Assert.Equal(0, folder.NeedBytes);
            Assert.Equal(Path.GetFullPath(self.Folder), Path.GetFullPath(folder.Path));
            Assert.True(folder.LocalFiles >= files, $"{self.Name} reports {folder.LocalFiles} local files, the tree has {files}");
            var peer = status.Peer(other.DeviceId);
            Assert.NotNull(peer);
            Assert.True(peer.Connected);
            Assert.Equal("tcp-tls", peer.Path);
            Assert.True(peer.BytesIn > 0 && peer.BytesOut > 0, $"{self.Name}: in {peer.BytesIn}, out {peer.BytesOut}");
        }

        // The receiver took in at least the file data it now holds; the counters count real traffic.
        var dataBytes = new DirectoryInfo(pair.A.Folder).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.LinkTarget is null).Sum(f => f.Length);
        Assert.True(b.Peer(pair.A.DeviceId)!.BytesIn >= dataBytes, $"B received {b.Peer(pair.A.DeviceId)!.BytesIn} bytes for {dataBytes} bytes of files");
    }
}
