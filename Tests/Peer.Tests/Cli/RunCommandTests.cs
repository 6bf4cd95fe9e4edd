using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mesh.Peer.Cli;
using Mesh.Peer.Tests.Daemon;

namespace Mesh.Peer.Tests.Cli;

public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_on_a_taken_port_exits_1_naming_the_address()
    {
        using var home = new DaemonHome("a", "docs");
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var (code, _, error) = await MeshCli.RunAsync("run", "--home", home.Home.Directory, "--listen", "tcp://127.0.0.1:" + port);

        Assert.Equal(1, code);
        Assert.Contains($"mesh run: cannot listen on tcp://127.0.0.1:{port}: address already in use", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_bad_config_exits_1_with_file_and_line()
    {
        using var home = new DaemonHome("a", "docs");
        var lines = File.ReadAllLines(home.Home.ConfigPath).ToList();
        var listen = lines.FindIndex(l => l.StartsWith("listen", StringComparison.Ordinal));
        lines[listen] = "listen = \"somewhere\"";
        File.WriteAllLines(home.Home.ConfigPath, lines);

        var (code, _, error) = await MeshCli.RunAsync("run", "--home", home.Home.Directory);

        Assert.Equal(1, code);
        Assert.StartsWith($"mesh run: {home.Home.ConfigPath}:{listen + 1}: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_without_init_exits_1_and_says_what_to_do()
    {
        using var temp = new TempFolder();

        var (code, _, error) = await MeshCli.RunAsync("run", "--home", temp.Path);

        Assert.Equal(1, code);
        Assert.Contains("mesh init", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_malformed_listen_option_is_a_usage_error()
    {
        var (code, _, _) = await MeshCli.RunAsync("run", "--listen", "127.0.0.1:1");

        Assert.Equal(2, code);
    }

    [Fact]
    public void A_stop_signal_after_the_daemon_was_cleaned_up_is_ignored()
    {
        var stop = new CancellationTokenSource();
        stop.Dispose();

        RunCommand.RequestStop(stop);
    }

    [Fact]
    public void A_stop_signal_cancels_the_running_daemon()
    {
        using var stop = new CancellationTokenSource();

        RunCommand.RequestStop(stop);

        Assert.True(stop.IsCancellationRequested);
    }
}
