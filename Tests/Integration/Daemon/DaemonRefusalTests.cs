using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Mesh.Integration.Daemon;

/// <summary>The daemon refuses what it must not accept and says clearly why it cannot start.</summary>
public sealed class DaemonRefusalTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_peer_whose_certificate_is_another_device_is_refused_and_logged_with_both_ids()
    {
        // A expects B at an address where C, a different identity, answers. C shares the same folder ID and
        // knows A, so only the certificate check stands between C's files and A's folder.
        using var a = await MeshDevice.CreateAsync("a");
        using var b = await MeshDevice.CreateAsync("b");
        using var c = await MeshDevice.CreateAsync("c");
        await a.AddFolderAsync(DevicePair.FolderId);
        await c.AddFolderAsync(DevicePair.FolderId);
        await a.AddPeerAsync(b.DeviceId, c.Address, DevicePair.FolderId);
        await c.AddPeerAsync(a, DevicePair.FolderId);
        await File.WriteAllTextAsync(c.PathOf("from-impostor.txt"), "must not arrive\n");
        a.Start();
        c.Start();

        await Poll.UntilAsync(
            () => Task.FromResult(NamesBoth(a.Log, b.DeviceId, c.DeviceId)),
            StartTimeout,
            () => $"A logs a refusal naming {b.DeviceId} and {c.DeviceId}\n--- log of A:\n{a.Log}\n--- log of C:\n{c.Log}");

        var status = await a.StatusAsync();
        Assert.DoesNotContain(status.Peers, p => p.Connected);
        Assert.False(File.Exists(a.PathOf("from-impostor.txt")));
        Assert.Equal(0, status.Folder(DevicePair.FolderId).NeedFiles);
    }

    [Fact]
    public async Task A_listen_port_already_in_use_fails_with_a_clear_error_and_a_non_zero_exit()
    {
        using var device = await MeshDevice.CreateAsync("a");
        await device.AddFolderAsync(DevicePair.FolderId);
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var result = await device.CliAsync(StartTimeout, "run", "--listen", $"tcp://127.0.0.1:{port}");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), result.All, StringComparison.Ordinal);
        Assert.Matches(new Regex("in use", RegexOptions.IgnoreCase), result.All);
    }

    [Theory]
    [InlineData("syntax")]
    [InlineData("value")]
    public async Task A_bad_config_names_the_file_and_the_line_and_the_daemon_does_not_start(string mistake)
    {
        using var device = await MeshDevice.CreateAsync("a");
        await device.AddFolderAsync(DevicePair.FolderId);
        var config = Path.Combine(device.Home, "config.toml");
        var lines = (await File.ReadAllLinesAsync(config)).ToList();
        int badLine;
        if (mistake == "syntax")
        {
            lines.Add("this line = = is not toml [");
            badLine = lines.Count;
            lines.Add("");
        }
        else
        {
            // Well-formed TOML with a value the daemon cannot use, in the middle of the file.
            var listen = lines.FindIndex(l => l.TrimStart().StartsWith("listen", StringComparison.Ordinal));
            Assert.True(listen >= 0, string.Join('\n', lines));
            lines[listen] = "listen = \"not an address\"";
            badLine = listen + 1;
        }

        await File.WriteAllLinesAsync(config, lines);

        var result = await device.CliAsync(StartTimeout, "run");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("config.toml", result.All, StringComparison.Ordinal);
        Assert.Matches(new Regex($@"(line\s*|:){badLine}\b", RegexOptions.IgnoreCase), result.All);
    }

    /// <summary>True when one line names both devices, in full or by the short form (the first group).</summary>
    private static bool NamesBoth(string log, string first, string second) =>
        log.Split('\n').Any(line => Names(line, first) && Names(line, second));

    private static bool Names(string line, string deviceId) =>
        line.Contains(deviceId, StringComparison.OrdinalIgnoreCase) || line.Contains(deviceId[..7], StringComparison.OrdinalIgnoreCase);
}
