using Mesh.Peer.Control;

namespace Mesh.Peer.Tests.Daemon;

public sealed class DaemonSyncTests
{
    [Fact]
    public async Task Two_daemons_sync_over_tls_and_report_idle_with_link_bytes()
    {
        using var a = new DaemonHome("a", "docs");
        using var b = new DaemonHome("b", "docs");
        await File.WriteAllTextAsync(Path.Combine(a.FolderPath("docs"), "hello.txt"), "hello from a");
        var (portA, portB) = (Ports.Free(), Ports.Free());
        a.AddPeer(b, portB, "docs");
        b.AddPeer(a, portA, "docs");

        await using var da = await RunningDaemon.StartAsync(a, RunningDaemon.Options with { Listen = new("127.0.0.1", portA) });
        await using var db = await RunningDaemon.StartAsync(b, RunningDaemon.Options with { Listen = new("127.0.0.1", portB) });

        var status = await WaitAsync(db, s => s.Folders[0] is { State: "idle", NeedFiles: 0, LocalFiles: 1 } && s.Peers[0].Connected);
        Assert.Equal("hello from a", await File.ReadAllTextAsync(Path.Combine(b.FolderPath("docs"), "hello.txt")));
        var peer = status.Peers[0];
        Assert.Equal(a.Id.ToString(), peer.DeviceId);
        Assert.Equal("tcp-tls", peer.Path);
        Assert.True(peer.BytesIn > 0 && peer.BytesOut > 0);
        var seenFromA = await WaitAsync(da, s => s.Peers[0].Folders[0].NeedFiles == 0);
        Assert.Equal(("docs", 0L), (seenFromA.Peers[0].Folders[0].Id, seenFromA.Peers[0].Folders[0].NeedBytes));
    }

    [Fact]
    public async Task Status_tells_what_a_peer_that_has_not_announced_anything_still_needs()
    {
        using var a = new DaemonHome("a", "docs");
        using var b = new DaemonHome("b", "docs");
        await File.WriteAllTextAsync(Path.Combine(a.FolderPath("docs"), "one.txt"), "12345");
        await File.WriteAllTextAsync(Path.Combine(a.FolderPath("docs"), "two.txt"), "123");
        a.AddPeer(b, Ports.Free(), "docs");

        await using var da = await RunningDaemon.StartAsync(a);
        await da.Daemon.InitialScanDone;

        var folder = Assert.Single(da.Daemon.GetStatus().Peers.Single().Folders);
        Assert.Equal(("docs", 2L, 8L), (folder.Id, folder.NeedFiles, folder.NeedBytes));
        Assert.True(folder.LocalSequence >= 2);
        Assert.Equal(0UL, folder.RemoteSequence);
    }

    [Fact]
    public async Task A_folder_is_shared_only_with_peers_that_both_list_it()
    {
        using var a = new DaemonHome("a", "docs", "private");
        using var b = new DaemonHome("b", "docs", "private");
        await File.WriteAllTextAsync(Path.Combine(a.FolderPath("docs"), "shared.txt"), "shared");
        await File.WriteAllTextAsync(Path.Combine(a.FolderPath("private"), "secret.txt"), "not for b");
        var (portA, portB) = (Ports.Free(), Ports.Free());
        a.AddPeer(b, portB, "docs");
        b.AddPeer(a, portA, "docs", "private");

        await using var da = await RunningDaemon.StartAsync(a, RunningDaemon.Options with { Listen = new("127.0.0.1", portA) });
        await using var db = await RunningDaemon.StartAsync(b, RunningDaemon.Options with { Listen = new("127.0.0.1", portB) });

        await WaitAsync(db, s => s.Folders.Single(f => f.Id == "docs") is { State: "idle", LocalFiles: 1 });
        Assert.True(File.Exists(Path.Combine(b.FolderPath("docs"), "shared.txt")));
        Assert.False(File.Exists(Path.Combine(b.FolderPath("private"), "secret.txt")));
    }

    private static async Task<StatusReport> WaitAsync(RunningDaemon daemon, Func<StatusReport, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = daemon.Daemon.GetStatus();
            if (done(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(System.Text.Json.JsonSerializer.Serialize(status, ControlJsonContext.Default.StatusReport));
            }

            await Task.Delay(50);
        }
    }
}
