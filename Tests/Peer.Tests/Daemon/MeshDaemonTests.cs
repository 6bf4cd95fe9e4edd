using System.Net;
using System.Net.Sockets;
using Mesh.Peer.Config;
using Mesh.Peer.Daemon;
using Mesh.Peer.Tests.Config;

namespace Mesh.Peer.Tests.Daemon;

public sealed class MeshDaemonTests
{
    [Fact]
    public async Task A_taken_port_stops_the_start_with_an_error_naming_it()
    {
        using var home = new DaemonHome("a", "f");
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<DaemonStartException>(() =>
            RunningDaemon.StartAsync(home, RunningDaemon.Options with { Listen = new TcpAddress("127.0.0.1", port) }));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(home.Home.ControlSocketPath));
    }

    [Fact]
    public async Task A_second_daemon_on_the_same_home_is_refused()
    {
        using var home = new DaemonHome("a", "f");
        await using var first = await RunningDaemon.StartAsync(home);

        var error = await Assert.ThrowsAsync<DaemonStartException>(() => RunningDaemon.StartAsync(home));

        Assert.Contains("already running", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_config_keeps_the_daemon_from_starting()
    {
        using var home = new DaemonHome("a", "f");
        File.AppendAllText(home.Home.ConfigPath, "\n[[folder]]\nid = \"g\"\n");

        var error = await Assert.ThrowsAsync<ConfigException>(() => RunningDaemon.StartAsync(home));

        Assert.Equal(home.Home.ConfigPath, error.File);
        Assert.True(error.Line > 0);
        Assert.False(File.Exists(home.Home.ControlSocketPath));
    }

    [Fact]
    public async Task The_control_socket_is_owner_only_and_removed_on_stop()
    {
        using var home = new DaemonHome("a", "f");
        await using (var daemon = await RunningDaemon.StartAsync(home))
        {
            Assert.Equal(FileModes.OwnerReadWrite, FileModes.Of(home.Home.ControlSocketPath));
            Assert.Equal(FileModes.OwnerAll, FileModes.Of(home.Home.Directory));
        }

        Assert.False(File.Exists(home.Home.ControlSocketPath));
    }

    [Fact]
    public async Task A_stale_socket_left_by_a_killed_daemon_is_replaced()
    {
        using var home = new DaemonHome("a", "f");
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(home.Home.ControlSocketPath));
        }

        await using var daemon = await RunningDaemon.StartAsync(home);

        Assert.Equal("a", daemon.Daemon.GetStatus().Name);
    }

    [Fact]
    public async Task A_missing_folder_path_is_reported_and_not_scanned()
    {
        using var home = new DaemonHome("a", "f");
        Directory.Delete(home.FolderPath("f"));

        await using var daemon = await RunningDaemon.StartAsync(home);

        var folder = Assert.Single(daemon.Daemon.GetStatus().Folders);
        Assert.Equal("error", folder.State);
        Assert.Contains("does not exist", folder.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(home.FolderPath("f")));
    }

    [Fact]
    public async Task The_listen_address_reports_the_bound_port()
    {
        using var home = new DaemonHome("a", "f");

        await using var daemon = await RunningDaemon.StartAsync(home);

        Assert.True(TcpAddress.TryParse(daemon.Daemon.ListenAddress, out var address, out _));
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        Assert.Equal(daemon.Daemon.ListenAddress, daemon.Daemon.GetStatus().Listen);
    }
}
