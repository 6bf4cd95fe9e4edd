using System.Diagnostics;
using System.Text;

namespace Mesh.Integration.Daemon;

/// <summary>
/// One device for the tests: its own temporary home and synced folder, a fixed loopback port, and at most
/// one running <c>mesh run</c> process, whose output is kept for assertions and failure messages. Disposing
/// kills the process by its PID and removes the temporary folders.
/// </summary>
internal sealed class MeshDevice : IDisposable
{
    private readonly string _root;
    private readonly StringBuilder _log = new();
    private readonly Lock _logLock = new();
    private Process? _daemon;

    private MeshDevice(string name, string root)
    {
        Name = name;
        _root = root;
        Home = System.IO.Path.Combine(root, "home");
        Folder = System.IO.Path.Combine(root, "folder");
        Port = LoopbackPort.Free();
        Directory.CreateDirectory(Folder);
    }

    public string Name { get; }

    public string Home { get; }

    public string Folder { get; }

    public int Port { get; }

    public string Address => $"tcp://127.0.0.1:{Port}";

    public string DeviceId { get; private set; } = "";

    public int? Pid => _daemon is { HasExited: false } ? _daemon.Id : null;

    /// <summary>Everything the daemon (all its runs) printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_logLock)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Creates the home with <c>mesh init</c> and reads the device ID with <c>mesh id</c>.</summary>
    public static async Task<MeshDevice> CreateAsync(string name)
    {
        var root = Directory.CreateTempSubdirectory("mesh-daemon-" + name + "-").FullName;
        var device = new MeshDevice(name, root);
        await device.CliOkAsync("init", "--name", name);
        device.DeviceId = (await device.CliOkAsync("id")).Trim();
        return device;
    }

    public Task<string> CliOkAsync(params string[] arguments) => MeshCli.RunOkAsync([.. arguments, "--home", Home]);

    public Task<CliResult> CliAsync(TimeSpan timeout, params string[] arguments) => MeshCli.RunAsync(timeout, [.. arguments, "--home", Home]);

    public Task AddFolderAsync(string id) => CliOkAsync("folder", "add", "--id", id, "--path", Folder);

    public Task AddPeerAsync(MeshDevice peer, string folderId) => AddPeerAsync(peer.DeviceId, peer.Address, folderId);

    public Task AddPeerAsync(string deviceId, string address, string folderId) =>
        CliOkAsync("peer", "add", "--device-id", deviceId, "--address", address, "--folder", folderId);

    /// <summary>Starts <c>mesh run</c> on this device's port; the returned process may still fail to come up.</summary>
    public Process Start()
    {
        if (Pid is not null)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }

        _daemon?.Dispose();
        var process = Process.Start(MeshCli.StartInfo(["run", "--home", Home, "--listen", Address]))
            ?? throw new InvalidOperationException("could not start mesh run");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _daemon = process;
        Append($"--- started mesh run, pid {process.Id}");
        return process;
    }

    /// <summary>SIGKILL: no chance to clean up, as after a crash or power loss.</summary>
    public async Task KillAsync()
    {
        if (_daemon is { HasExited: false } daemon)
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
            Append("--- killed with SIGKILL");
        }
    }

    public async Task<MeshStatus> StatusAsync()
    {
        var result = await CliAsync(TimeSpan.FromSeconds(30), "status", "--json");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"mesh status on {Name} failed: {result}");
        }

        return MeshStatus.Parse(result.Output);
    }

    /// <summary>Asks the daemon to rescan now; returns once the scan is done.</summary>
    public Task ScanAsync(string folderId, string? path = null) =>
        path is null ? CliOkAsync("scan", "--folder", folderId) : CliOkAsync("scan", "--folder", folderId, "--path", path);

    public string PathOf(string relative) => System.IO.Path.Combine(Folder, relative);

    public void Dispose()
    {
        if (_daemon is not null)
        {
            try
            {
                if (!_daemon.HasExited)
                {
                    _daemon.Kill(entireProcessTree: true);
                    _daemon.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            _daemon.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process; the temporary folder is left for the system to clean.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log.AppendLine(line);
        }
    }
}
