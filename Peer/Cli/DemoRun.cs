using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mesh.Peer.Config;
using Mesh.Peer.Control;
using Mesh.Peer.Daemon;
using Mesh.Peer.Identity;
using Mesh.Peer.Sync;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Cli;

/// <summary>The steps of <c>mesh demo</c>, narrated on the output.</summary>
internal static class DemoRun
{
    private const string FolderId = "sample";

    /// <summary>Runs the demo; 0 when the tree and the edit arrived intact, 1 otherwise.</summary>
    public static async Task<int> RunAsync(DemoOptions options, TextWriter output, TextWriter error, bool live, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = Directory.CreateTempSubdirectory("mesh-demo-").FullName;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Timeout);
        var logPath = Path.Combine(root, "daemons.log");
        try
        {
            using var log = new StreamWriter(logPath) { AutoFlush = true };
            using var loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(new TextWriterLoggerProvider(log)));
            return await RunStepsAsync(options, root, output, live, loggers, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await error.WriteLineAsync($"mesh demo: gave up after {options.Timeout.TotalSeconds:0} s; the daemons' log is {logPath}").ConfigureAwait(false);
            options = options with { Keep = true };
            return 1;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("mesh demo: interrupted").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is DemoFailedException or DaemonStartException or ConfigException or IOException)
        {
            await error.WriteLineAsync($"mesh demo: {e.Message} (the daemons' log is {logPath})").ConfigureAwait(false);
            options = options with { Keep = true };
            return 1;
        }
        finally
        {
            if (options.Keep)
            {
                await output.WriteLineAsync($"Kept {root} (homes, folders and the daemons' log).").ConfigureAwait(false);
            }
            else
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<int> RunStepsAsync(DemoOptions options, string root, TextWriter output, bool live, ILoggerFactory loggers, CancellationToken ct)
    {
        await output.WriteLineAsync($"Mesh demo in {root}").ConfigureAwait(false);
        var ports = ReserveLoopbackPorts(2);
        var alice = CreateDevice(root, "alice", ports[0]);
        var bob = CreateDevice(root, "bob", ports[1]);
        Introduce(alice, bob, ports[1]);
        Introduce(bob, alice, ports[0]);
        await output.WriteLineAsync($"  alice  {alice.Id}  tcp://127.0.0.1:{ports[0]}").ConfigureAwait(false);
        await output.WriteLineAsync($"  bob    {bob.Id}  tcp://127.0.0.1:{ports[1]}").ConfigureAwait(false);

        var generated = SampleTree.Generate(alice.Folder, options.Files, options.Bytes, new Random(options.Seed));
        var size = TreeDigest.Of(alice.Folder).Count;
        await output.WriteLineAsync($"Generated {generated} files ({size} entries with directories) in alice's folder, {ByteSize.Format(DirectoryBytes(alice.Folder))}.").ConfigureAwait(false);

        var daemonOptions = new DaemonOptions
        {
            Engine = new SyncEngineOptions { WatchDebounce = TimeSpan.FromMilliseconds(200) },
            ProgressInterval = TimeSpan.FromSeconds(1),
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var a = await MeshDaemon.StartAsync(alice.Home, daemonOptions, TimeProvider.System, new Random(), loggers, ct).ConfigureAwait(false);
        await using (a.ConfigureAwait(false))
        {
            var b = await MeshDaemon.StartAsync(bob.Home, daemonOptions, TimeProvider.System, new Random(), loggers, ct).ConfigureAwait(false);
            await using (b.ConfigureAwait(false))
            {
                var runs = new[] { a.RunAsync(stop.Token), b.RunAsync(stop.Token) };
                try
                {
                    await output.WriteLineAsync("Started both daemons; alice scans, bob pulls over TLS on loopback:").ConfigureAwait(false);
                    var clock = Stopwatch.StartNew();
                    await WaitForSyncAsync(a, b, output, live, ct).ConfigureAwait(false);
                    if (!TreeDigest.Same(alice.Folder, bob.Folder))
                    {
                        throw new DemoFailedException("bob's copy differs from alice's");
                    }

                    var peer = b.GetStatus().Peers.Single();
                    await output.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"Bob has everything after {clock.Elapsed.TotalSeconds:0.0} s: every file's SHA-256 matches. Link {peer.Path}, {ByteSize.Format(peer.BytesIn)} in.")).ConfigureAwait(false);

                    await EditAndWaitAsync(a, alice, bob, output, ct).ConfigureAwait(false);
                }
                finally
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    await Task.WhenAll(runs).ConfigureAwait(false);
                }
            }
        }

        await output.WriteLineAsync("Stopped both daemons. Done.").ConfigureAwait(false);
        return 0;
    }

    private static async Task WaitForSyncAsync(MeshDaemon a, MeshDaemon b, TextWriter output, bool live, CancellationToken ct)
    {
        var lastLine = Stopwatch.StartNew();
        string? previous = null;
        while (true)
        {
            var sender = a.GetStatus();
            var receiver = b.GetStatus();
            var from = sender.Folders.Single();
            var to = receiver.Folders.Single();
            var connected = receiver.Peers.Any(p => p.Connected);
            if (connected && a.InitialScanDone.IsCompletedSuccessfully && from.State == "idle" && to.State == "idle" && to.NeedFiles == 0 &&
                to.LocalFiles == from.LocalFiles && to.LocalBytes == from.LocalBytes)
            {
                if (live)
                {
                    await output.WriteLineAsync().ConfigureAwait(false);
                }

                return;
            }

            var line = DescribeProgress(from, to, connected);
            if (live)
            {
                await output.WriteAsync("\r" + line.PadRight(100)).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
            }
            else if (line != previous && lastLine.Elapsed >= TimeSpan.FromSeconds(1))
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
                previous = line;
                lastLine.Restart();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
        }
    }

    private static string DescribeProgress(FolderReport from, FolderReport to, bool connected)
    {
        if (from.Progress is { Phase: "scanning" } scan)
        {
            return $"  alice {ByteSize.Describe(scan)}";
        }

        if (to.State == "scanning")
        {
            // Bob's watcher saw the files the pull wrote; the rescan finds them already indexed and hashes nothing.
            return string.Create(CultureInfo.InvariantCulture, $"  bob {to.LocalFiles}/{from.LocalFiles} files, {ByteSize.Format(to.LocalBytes)}/{ByteSize.Format(from.LocalBytes)}; checking what arrived");
        }

        if (!connected)
        {
            return $"  alice {from.State}, {from.LocalFiles} files; bob connecting…";
        }

        if (to.Progress is { } pull)
        {
            return $"  bob {ByteSize.Describe(pull)}";
        }

        return to.State == "idle" && to.LocalFiles == 0
            ? "  bob connected; receiving alice's index…"
            : string.Create(CultureInfo.InvariantCulture, $"  bob {to.State}: {to.LocalFiles}/{from.LocalFiles} files, {ByteSize.Format(to.LocalBytes)}/{ByteSize.Format(from.LocalBytes)}");
    }

    private static async Task EditAndWaitAsync(MeshDaemon a, DemoDevice alice, DemoDevice bob, TextWriter output, CancellationToken ct)
    {
        var line = $"edited on alice at {DateTimeOffset.UtcNow:HH:mm:ss.fff} UTC\n";
        await File.AppendAllTextAsync(Path.Combine(alice.Folder, SampleTree.EditedFile), line, ct).ConfigureAwait(false);
        await output.WriteLineAsync($"Alice appends \"{line.TrimEnd()}\" to {SampleTree.EditedFile}; her watcher picks it up…").ConfigureAwait(false);
        var expected = await File.ReadAllTextAsync(Path.Combine(alice.Folder, SampleTree.EditedFile), ct).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var scanned = false;
        var target = Path.Combine(bob.Folder, SampleTree.EditedFile);
        while (!string.Equals(await ReadOrNullAsync(target, ct).ConfigureAwait(false), expected, StringComparison.Ordinal))
        {
            if (!scanned && clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                // A watcher can miss events (inotify limits); 'mesh scan' is the manual nudge, used here the same way.
                await a.ScanAsync(FolderId, SampleTree.EditedFile, ct).ConfigureAwait(false);
                scanned = true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), ct).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Bob has the edit {clock.Elapsed.TotalMilliseconds:0} ms later: \"{expected.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]}\"")).ConfigureAwait(false);
    }

    private static async Task<string?> ReadOrNullAsync(string path, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    private static DemoDevice CreateDevice(string root, string name, int port)
    {
        var home = new MeshHome(Path.Combine(root, name + "-home"));
        DeviceId id;
        using (var identity = DeviceIdentity.LoadOrCreate(home.Directory))
        {
            id = identity.Id;
        }

        var folder = Path.Combine(root, name, "Sample");
        Directory.CreateDirectory(folder);
        var config = MeshConfig.CreateDefault(name) with
        {
            Listen = new TcpAddress("127.0.0.1", port),
            Folders = [new FolderConfig(FolderId, folder)],
        };
        ConfigWriter.Write(home.ConfigPath, config);
        return new DemoDevice(home, id, folder);
    }

    private static void Introduce(DemoDevice device, DemoDevice peer, int peerPort)
    {
        var config = ConfigReader.Read(device.Home.ConfigPath);
        ConfigWriter.Write(device.Home.ConfigPath, config with { Peers = [new PeerConfig(peer.Id, new TcpAddress("127.0.0.1", peerPort), [FolderId])] });
    }

    // Each daemon needs the other's port in its config before either starts; free ports are found by
    // binding port 0 and releasing it (loopback only; the window for another process to take one is tiny).
    private static int[] ReserveLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }

    private static long DirectoryBytes(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private sealed record DemoDevice(MeshHome Home, DeviceId Id, string Folder);
}
