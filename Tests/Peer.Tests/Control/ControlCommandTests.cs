using System.Text.Json;
using Mesh.Peer.Tests.Cli;
using Mesh.Peer.Tests.Daemon;

namespace Mesh.Peer.Tests.Control;

public sealed class ControlCommandTests
{
    [Fact]
    public async Task Status_json_is_one_object_with_the_documented_fields_and_types()
    {
        using var home = new DaemonHome("laptop", "docs");
        using var other = new DaemonHome("phone", "docs");
        home.AddPeer(other, 1, "docs");
        await using var daemon = await RunningDaemon.StartAsync(home);
        await daemon.Daemon.InitialScanDone;

        var (code, output, error) = await MeshCli.RunAsync("status", "--json", "--home", home.Home.Directory);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(home.Id.ToString(), root.GetProperty("deviceId").GetString());
        var folder = Assert.Single(root.GetProperty("folders").EnumerateArray());
        Assert.Equal("docs", folder.GetProperty("id").GetString());
        Assert.Equal(home.FolderPath("docs"), folder.GetProperty("path").GetString());
        Assert.Contains(folder.GetProperty("state").GetString(), new[] { "scanning", "syncing", "idle", "error" });
        foreach (var name in new[] { "localFiles", "localBytes", "needFiles", "needBytes" })
        {
            Assert.Equal(JsonValueKind.Number, folder.GetProperty(name).ValueKind);
        }

        Assert.Equal(JsonValueKind.Null, folder.GetProperty("error").ValueKind);
        var peer = Assert.Single(root.GetProperty("peers").EnumerateArray());
        Assert.Equal(other.Id.ToString(), peer.GetProperty("deviceId").GetString());
        Assert.False(peer.GetProperty("connected").GetBoolean());
        Assert.Equal("tcp-tls", peer.GetProperty("path").GetString());
        Assert.Equal("tcp://127.0.0.1:1", peer.GetProperty("address").GetString());
        Assert.Equal(JsonValueKind.Number, peer.GetProperty("bytesIn").ValueKind);
        Assert.Equal(JsonValueKind.Number, peer.GetProperty("bytesOut").ValueKind);
        var shared = Assert.Single(peer.GetProperty("folders").EnumerateArray());
        Assert.Equal("docs", shared.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Number, shared.GetProperty("needFiles").ValueKind);
        Assert.Equal(JsonValueKind.Number, shared.GetProperty("needBytes").ValueKind);
    }

    [Fact]
    public async Task Scan_returns_once_the_change_is_in_the_index()
    {
        using var home = new DaemonHome("a", "docs");
        await using var daemon = await RunningDaemon.StartAsync(home);
        await daemon.Daemon.InitialScanDone;
        Directory.CreateDirectory(Path.Combine(home.FolderPath("docs"), "new", "deeper"));
        await File.WriteAllTextAsync(Path.Combine(home.FolderPath("docs"), "new", "deeper", "a.txt"), "hello");

        var (code, output, error) = await MeshCli.RunAsync("scan", "--folder", "docs", "--path", "new/deeper/a.txt", "--home", home.Home.Directory);

        Assert.True(code == 0, error);
        Assert.Contains("scanned docs/new", output, StringComparison.Ordinal);
        var folder = Assert.Single(daemon.Daemon.GetStatus().Folders);
        Assert.Equal(1, folder.LocalFiles);
        Assert.Equal(5, folder.LocalBytes);
    }

    [Fact]
    public async Task Scan_of_two_paths_records_a_directory_moved_between_them_as_a_rename_without_reading_it()
    {
        using var home = new DaemonHome("a", "docs");
        var docs = home.FolderPath("docs");
        Directory.CreateDirectory(Path.Combine(docs, "files"));
        Directory.CreateDirectory(Path.Combine(docs, "other"));
        await File.WriteAllBytesAsync(Path.Combine(docs, "files", "a.bin"), new byte[300_000]);
        await File.WriteAllTextAsync(Path.Combine(docs, "files", "b.txt"), "hello");
        await File.WriteAllTextAsync(Path.Combine(docs, "other", "c.txt"), "not walked");
        await using var daemon = await RunningDaemon.StartAsync(home);
        await daemon.Daemon.InitialScanDone;
        Directory.Move(Path.Combine(docs, "files"), Path.Combine(docs, "files-renamed"));

        var (code, output, error) = await MeshCli.RunAsync("scan", "--folder", "docs", "--path", "files", "--path", "files-renamed", "--home", home.Home.Directory);

        Assert.True(code == 0, error);
        // One scan of both names: the three entries now under files-renamed, nothing of "other", nothing read.
        Assert.Contains("scanned docs/{files, files-renamed}: 3 entries, 6 changes, 0 B hashed", output, StringComparison.Ordinal);
        var folder = Assert.Single(daemon.Daemon.GetStatus().Folders);
        Assert.Equal(3, folder.LocalFiles);
    }

    [Fact]
    public async Task Scan_of_an_unknown_folder_or_a_path_outside_fails_with_1()
    {
        using var home = new DaemonHome("a", "docs");
        await using var daemon = await RunningDaemon.StartAsync(home);

        var unknown = await MeshCli.RunAsync("scan", "--folder", "nope", "--home", home.Home.Directory);
        var outside = await MeshCli.RunAsync("scan", "--folder", "docs", "--path", "../x", "--home", home.Home.Directory);

        Assert.Equal(1, unknown.Code);
        Assert.Contains("no folder 'nope'", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(1, outside.Code);
    }

    [Fact]
    public async Task Status_and_scan_without_a_daemon_say_so_and_exit_1()
    {
        using var home = new DaemonHome("a", "docs");

        var status = await MeshCli.RunAsync("status", "--home", home.Home.Directory);
        var scan = await MeshCli.RunAsync("scan", "--home", home.Home.Directory);

        Assert.Equal(1, status.Code);
        Assert.Contains("no mesh daemon is running", status.Error, StringComparison.Ordinal);
        Assert.Equal(1, scan.Code);
        Assert.Contains("no mesh daemon is running", scan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_text_shows_folders_and_peers()
    {
        using var home = new DaemonHome("laptop", "docs");
        using var other = new DaemonHome("phone", "docs");
        home.AddPeer(other, 1, "docs");
        await using var daemon = await RunningDaemon.StartAsync(home);

        var (code, output, _) = await MeshCli.RunAsync("status", "--home", home.Home.Directory);

        Assert.Equal(0, code);
        Assert.Contains("docs", output, StringComparison.Ordinal);
        Assert.Contains(other.Id.ToString()[..7], output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_watch_refreshes_until_cancelled()
    {
        using var home = new DaemonHome("a", "docs");
        await using var daemon = await RunningDaemon.StartAsync(home);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var shared = TextWriter.Synchronized(output);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Cancelled once three refreshes are out (or after a minute, which fails below): waiting for
        // the count rather than a fixed time keeps a slow machine from failing the test.
        var watch = Mesh.Peer.Cli.StatusCommand.RunAsync(home.Home.ControlSocketPath, asJson: true, watch: true, TimeSpan.FromMilliseconds(200), shared, error, cancel.Token);
        while (!watch.IsCompleted && CountLines() < 3)
        {
            await Task.Delay(50);
        }

        await cancel.CancelAsync();
        var code = await watch;

        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3, $"{lines.Length} refreshes");
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());

        int CountLines()
        {
            lock (shared)
            {
                return output.ToString().Count(c => c == '\n');
            }
        }
    }
}
