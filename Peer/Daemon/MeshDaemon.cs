using System.Net;
using System.Net.Sockets;
using Mesh.Peer.Config;
using Mesh.Peer.Control;
using Mesh.Peer.Files;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Links;
using Mesh.Peer.Sync;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Daemon;

/// <summary>
/// One device's running daemon: reads the home's config.toml, opens the index, runs the sync engine
/// over its folders (watched, rescanned), keeps direct TLS links to the configured peers and answers
/// <c>status</c> and <c>scan</c> on the control socket. <c>mesh run</c> runs one; <c>mesh demo</c> runs two
/// in one process.
/// </summary>
internal sealed class MeshDaemon : IAsyncDisposable
{
    private readonly MeshConfig _config;
    private readonly DaemonOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HeapCeiling? _heapCeiling;
    private readonly IdleHeapRelease? _idleRelease;
    private readonly Dictionary<string, FolderProgress> _progress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unavailable = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _initialScanDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DeviceIdentity? _identity;
    private IndexStore? _store;
    private SyncEngine? _engine;
    private LocalTotals? _totals;
    private PeerCompletion? _completion;
    private StatusIndexConnection? _statusIndex;
    private DirectLinkService? _links;
    private ControlServer? _control;
    private string? _listen;

    private MeshDaemon(MeshHome home, MeshConfig config, DaemonOptions options, TimeProvider time, ILogger logger)
    {
        Home = home;
        _config = config;
        _options = options;
        _time = time;
        _logger = logger;
        _heapCeiling = options.HeapSlackBytes is { } slack ? HeapCeiling.ForThisProcess(slack) : null;

        // Quiet: less than 1 MiB allocated in a check interval (status polls included); worth it after a
        // burst of the ceiling's slack.
        _idleRelease = options.HeapSlackBytes is { } burst ? IdleHeapRelease.ForThisProcess(1024 * 1024, burst) : null;
    }

    /// <summary>The home the daemon runs from.</summary>
    public MeshHome Home { get; }

    /// <summary>This device's ID.</summary>
    public DeviceId DeviceId => Identity.Id;

    /// <summary>Where peers can reach this daemon (with the bound port), or null when it does not listen.</summary>
    public string? ListenAddress => _listen;

    /// <summary>Completes when every folder has had its first scan, so links only start from a known index.</summary>
    public Task InitialScanDone => _initialScanDone.Task;

    private DeviceIdentity Identity => _identity ?? throw new InvalidOperationException("The daemon is not started.");

    private SyncEngine Engine => _engine ?? throw new InvalidOperationException("The daemon is not started.");

    private DirectLinkService Links => _links ?? throw new InvalidOperationException("The daemon is not started.");

    /// <summary>
    /// Starts everything that can fail fast: configuration, key, control socket (one daemon per home),
    /// index, engine and the listening port. Nothing is scanned or connected until <see cref="RunAsync"/>.
    /// </summary>
    /// <exception cref="ConfigException">config.toml is missing or wrong (names file and line).</exception>
    /// <exception cref="DaemonStartException">Anything else that keeps the daemon from starting.</exception>
    public static async Task<MeshDaemon> StartAsync(MeshHome home, DaemonOptions options, TimeProvider time, Random random, ILoggerFactory loggers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var config = ConfigReader.Read(home.ConfigPath);
        if (!File.Exists(Path.Combine(home.Directory, DeviceIdentity.KeyFileName)))
        {
            throw new DaemonStartException($"{home.Directory} has no device key; run 'mesh init --home {home.Directory}' first");
        }

        var daemon = new MeshDaemon(home, config, options, time, loggers.CreateLogger("Mesh.Daemon"));
        try
        {
            await daemon.StartPartsAsync(random, loggers, ct).ConfigureAwait(false);
        }
        catch
        {
            await daemon.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return daemon;
    }

    /// <summary>
    /// Scans every folder (logging progress), then connects to peers and syncs until
    /// <paramref name="ct"/> fires. Stopping is orderly: links close, the engine stops, the index is
    /// closed by <see cref="DisposeAsync"/>.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _logger.LogInformation(
            "Mesh daemon {Device} ({Name}) running: listening on {Listen}, {Folders} folders, {Peers} peers, control socket {Socket}",
            DeviceId,
            _config.Name,
            _listen ?? "(nothing)",
            _config.Folders.Count,
            _config.Peers.Count,
            Home.ControlSocketPath);
        var progressLoop = ProgressLoopAsync(ct);
        var heapLoop = _heapCeiling?.RunAsync(_options.HeapCheckInterval, _time, ct, ReleaseIdleMemory) ?? Task.CompletedTask;
        try
        {
            foreach (var folder in Engine.Folders)
            {
                var started = _time.GetTimestamp();
                var result = await ScanFolderAsync(folder.Id, null, ct).ConfigureAwait(false);
                _logger.LogInformation(
                    "Folder {Folder}: first scan done in {Seconds:0.0} s: {Examined} entries, {Changed} changes, {Hashed} hashed",
                    folder.Id,
                    _time.GetElapsedTime(started).TotalSeconds,
                    result.Examined,
                    result.Changed,
                    ByteSize.Format(result.HashedBytes));
            }

            _initialScanDone.TrySetResult();
            await Links.RunAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _initialScanDone.TrySetCanceled(CancellationToken.None);
            await progressLoop.ConfigureAwait(false);
            await heapLoop.ConfigureAwait(false);
        }
    }

    /// <summary>The state of every folder and peer, as <c>mesh status</c> shows it.</summary>
    public StatusReport GetStatus()
    {
        var engine = Engine;
        var fetched = engine.ChunkBytesFetched;
        var folders = new List<FolderReport>();
        foreach (var folder in _config.Folders)
        {
            if (_unavailable.TryGetValue(folder.Id, out var why))
            {
                folders.Add(new FolderReport(folder.Id, folder.Path, "error", 0, 0, 0, 0, why, null));
                continue;
            }

            var status = engine.GetStatus(folder.Id);
            var (files, bytes) = _totals!.Of(folder.Id);
            var progress = _progress[folder.Id].Sample(status, fetched);
            folders.Add(new FolderReport(folder.Id, folder.Path, StateName(status.State), files, bytes, status.NeedFiles, status.NeedBytes, status.Error, progress));
        }

        var peers = Links.Peers
            .Select(p => new PeerReport(p.Device.ToString(), p.Connected, p.Path, p.Address, p.BytesIn, p.BytesOut, PeerFolders(p.Device)))
            .ToList();
        return new StatusReport(DeviceId.ToString(), _config.Name, _listen, folders, peers);
    }

    /// <summary>
    /// Rescans now, as the watcher would without its delay, and returns when the changes are in the
    /// index. <paramref name="folderId"/> null means every folder; <paramref name="path"/> is relative to
    /// the folder or absolute inside it, null for the whole folder.
    /// </summary>
    /// <exception cref="ArgumentException">No such folder, or the path is outside every folder asked for.</exception>
    public Task<IReadOnlyList<ScanReport>> ScanAsync(string? folderId, string? path, CancellationToken ct) =>
        ScanAsync(folderId, path is null ? [] : [path], ct);

    /// <summary>
    /// Rescans <paramref name="paths"/> (none: the whole folder) now, all paths of a folder in one scan, so
    /// a name moved between two of them is recorded as a rename without walking the rest of the folder.
    /// Returns one report per folder scanned, when the changes are in the index.
    /// </summary>
    /// <exception cref="ArgumentException">No such folder, or a path is outside every folder asked for.</exception>
    public async Task<IReadOnlyList<ScanReport>> ScanAsync(string? folderId, IReadOnlyList<string> paths, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(paths);
        List<SyncFolder> targets;
        if (folderId is null)
        {
            targets = [.. Engine.Folders];
        }
        else if (Engine.TryGetFolder(folderId, out var one))
        {
            targets = [one];
        }
        else
        {
            throw new ArgumentException(_unavailable.TryGetValue(folderId, out var why)
                ? $"folder '{folderId}' is not running: {why}"
                : $"no folder '{folderId}' (known: {string.Join(", ", _config.Folders.Select(f => f.Id))})");
        }

        // Per folder, the paths that lie in it; null for the whole folder.
        var plan = new List<(string Folder, List<string>? Paths)>();
        foreach (var folder in targets)
        {
            List<string>? inside = [];
            foreach (var path in paths.Count == 0 ? [null] : paths.Select(p => (string?)p))
            {
                if (!ScanPath.TryResolve(folder.Root, path, out var relative, out var problem))
                {
                    if (targets.Count == 1)
                    {
                        throw new ArgumentException(problem);
                    }

                    continue;
                }

                var scope = relative is null ? null : NearestKnown(folder.Id, relative);
                if (scope is null)
                {
                    inside = null;
                    break;
                }

                inside.Add(scope);
            }

            if (inside is null || inside.Count > 0)
            {
                plan.Add((folder.Id, inside is null ? null : RelativeNames.Outermost(inside)));
            }
        }

        if (plan.Count == 0)
        {
            throw new ArgumentException($"{string.Join(", ", paths)} is not inside any synced folder");
        }

        var reports = new List<ScanReport>();
        foreach (var (folder, scopes) in plan)
        {
            _logger.LogDebug("Scan asked for {Folder}/{Paths}", folder, scopes is null ? "(all)" : string.Join(", ", scopes));
            var started = _time.GetTimestamp();
            var result = await ScanFolderAsync(folder, scopes, ct).ConfigureAwait(false);
            _logger.LogDebug("Scan asked for {Folder}/{Paths} done in {Milliseconds:F0} ms: {Examined} entries, {Changed} changes, {HashedBytes} bytes hashed",
                folder, scopes is null ? "(all)" : string.Join(", ", scopes), _time.GetElapsedTime(started).TotalMilliseconds, result.Examined, result.Changed, result.HashedBytes);
            reports.Add(new ScanReport(folder, scopes is { Count: 1 } ? scopes[0] : null, result.Examined, result.Changed, result.HashedBytes, scopes));
        }

        return reports;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_links is not null)
        {
            await _links.DisposeAsync().ConfigureAwait(false);
        }

        if (_engine is not null)
        {
            await _engine.DisposeAsync().ConfigureAwait(false);
        }

        _statusIndex?.Dispose();
        _store?.Dispose();
        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
        }

        _identity?.Dispose();
        _logger.LogInformation("Mesh daemon stopped");
    }

    private List<PeerFolderReport> PeerFolders(DeviceId device)
    {
        var peer = _config.Peers.FirstOrDefault(p => p.DeviceId == device);
        return (peer?.Folders ?? [])
            .Where(id => Engine.TryGetFolder(id, out _))
            .Select(id => _completion!.Of(id, device))
            .ToList();
    }

    private static string StateName(FolderState state) => state switch
    {
        FolderState.Scanning => "scanning",
        FolderState.Syncing => "syncing",
        FolderState.Error => "error",
        _ => "idle",
    };

    private static async Task<IPEndPoint> ResolveListenAsync(TcpAddress address, CancellationToken ct)
    {
        if (address.IpAddress is { } ip)
        {
            return new IPEndPoint(ip, address.Port);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(address.Host, ct).ConfigureAwait(false);
            return new IPEndPoint(addresses[0], address.Port);
        }
        catch (Exception e) when (e is SocketException or IndexOutOfRangeException)
        {
            throw new DaemonStartException($"cannot listen on {address}: {address.Host} does not resolve");
        }
    }

    private async Task StartPartsAsync(Random random, ILoggerFactory loggers, CancellationToken ct)
    {
        // The control socket comes first: if another daemon answers there, nothing else is touched.
        try
        {
            _control = await ControlServer.StartAsync(Home.ControlSocketPath, HandleAsync, _logger, ct).ConfigureAwait(false);
        }
        catch (ControlSocketInUseException e)
        {
            throw new DaemonStartException(e.Message, e);
        }

        try
        {
            _identity = DeviceIdentity.LoadOrCreate(Home.Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new DaemonStartException($"cannot read the device key in {Home.Directory}: {e.Message}", e);
        }

        try
        {
            _store = IndexStore.Open(Home.IndexPath, _identity.Id);
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            throw new DaemonStartException($"cannot open the index {Home.IndexPath}: {e.Message}", e);
        }

        _statusIndex = new StatusIndexConnection(Home.IndexPath);
        _totals = new LocalTotals(_statusIndex);
        _completion = new PeerCompletion(_statusIndex, _identity.Id, _store);
        _engine = new SyncEngine(_identity.Id, _store, _options.Engine with { DeviceName = _config.Name }, _time, random, loggers);
        foreach (var folder in _config.Folders)
        {
            if (!Directory.Exists(folder.Path))
            {
                // Never scan a missing folder: an unmounted disk would look like everything was deleted.
                var why = $"folder path {folder.Path} does not exist (not mounted?); it is not synced until it is back and the daemon restarts";
                _unavailable[folder.Id] = why;
                _logger.LogError("Folder {Folder}: {Problem}", folder.Id, why);
                continue;
            }

            _engine.AddFolder(new FolderOptions(folder.Id, folder.Path));
            _progress[folder.Id] = new FolderProgress(_time);
        }

        var listen = _options.Listen ?? _config.Listen;
        var endPoint = await ResolveListenAsync(listen, ct).ConfigureAwait(false);
        var peers = _config.Peers.Select(p => new DirectPeer(p.DeviceId, p.Address.Host, p.Address.Port)).ToList();
        _links = new DirectLinkService(_identity, endPoint, peers, OnLinkAsync, _time, random, loggers, _options.Links);
        try
        {
            _links.Start();
        }
        catch (DirectLinkException e)
        {
            throw new DaemonStartException(e.Message, e);
        }

        _listen = _links.ListenEndpoint is { } bound ? TcpAddress.FromEndPoint(bound).ToString() : null;
        _engine.Start();
    }

    private async Task OnLinkAsync(ILink link, CancellationToken ct)
    {
        var peer = _config.Peers.FirstOrDefault(p => p.DeviceId == link.RemoteDevice);
        var shared = new HashSet<string>(
            (peer?.Folders ?? []).Where(id => Engine.TryGetFolder(id, out _)),
            StringComparer.Ordinal);
        _logger.LogInformation("Peer {Peer} connected over {Path}, sharing {Folders}", link.RemoteDevice.Short, link.PathName, shared.Count == 0 ? "no folder" : string.Join(", ", shared));
        try
        {
            await Engine.RunLinkAsync(link, shared, ct).ConfigureAwait(false);
        }
        finally
        {
            // The service cancels a link's token when another connection to the same peer replaces it;
            // "disconnected" would then say the peer went away while it is still connected.
            if (ct.IsCancellationRequested)
            {
                _logger.LogInformation("Peer {Peer}: one connection closed (replaced by another connection, or stopping)", link.RemoteDevice.Short);
            }
            else
            {
                _logger.LogInformation("Peer {Peer} disconnected", link.RemoteDevice.Short);
            }
        }
    }

    private async Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken ct)
    {
        if (_links is null)
        {
            return ControlResponse.Failed("the daemon is still starting");
        }

        switch (request.Command)
        {
            case ControlRequest.Status:
                return new ControlResponse(true, Status: GetStatus());
            case ControlRequest.Scan:
                try
                {
                    return new ControlResponse(true, Scans: await ScanAsync(request.Folder, request.AllPaths, ct).ConfigureAwait(false));
                }
                catch (ArgumentException e)
                {
                    return ControlResponse.Failed(e.Message);
                }

            default:
                return ControlResponse.Failed($"unknown command '{request.Command}'");
        }
    }

    private async Task<Scanning.ScanResult> ScanFolderAsync(string folder, IReadOnlyList<string>? paths, CancellationToken ct)
    {
        var progress = _progress[folder];
        try
        {
            return await Engine.ScanPathsAsync(folder, paths, new SynchronousProgress<Scanning.ScanProgress>(progress.OnScan), ct).ConfigureAwait(false);
        }
        finally
        {
            progress.ScanEnded();
        }
    }

    // A path whose parent the index does not know yet is scanned from the nearest known ancestor, so
    // new directories are recorded along with what is in them.
    private string? NearestKnown(string folder, string? path)
    {
        while (path is not null)
        {
            var slash = path.LastIndexOf('/');
            if (slash < 0)
            {
                return path;
            }

            var parent = path[..slash];
            if (Engine.Store.GetLocal(folder, parent) is { Entry: { Deleted: false, Type: Proto.FileType.Directory } })
            {
                return path;
            }

            path = parent;
        }

        return null;
    }

    private async Task ProgressLoopAsync(CancellationToken ct)
    {
        var wasBusy = new HashSet<string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(_options.ProgressInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                LogProgress(wasBusy);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void LogProgress(HashSet<string> wasBusy)
    {
        var status = GetStatus();
        var logMemory = false;
        foreach (var folder in status.Folders)
        {
            if (folder.Progress is { } progress)
            {
                logMemory = true;
                wasBusy.Add(folder.Id);
                _logger.LogInformation("Folder {Folder}: {Progress}", folder.Id, ByteSize.Describe(progress));
            }
            else if (folder.State == "idle" && wasBusy.Remove(folder.Id))
            {
                logMemory = true;
                _logger.LogInformation("Folder {Folder} is up to date: {Files} files, {Bytes}", folder.Id, folder.LocalFiles, ByteSize.Format(folder.LocalBytes));
            }
        }

        // While busy and once when idle again: what the memory is made of (docs/daemon.md, "Memory").
        if (logMemory && _logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug("Memory: {Memory}, heap ceiling collections {Ceiling}, idle releases {Releases}", MemoryUse.Describe(), _heapCeiling?.Collections ?? 0, _idleRelease?.Releases ?? 0);
        }
    }

    // Before each heap check: the write-block pool drops its slabs if it went unused, and once the daemon
    // went quiet after a burst, one collection gives the burst's regions and pooled arrays back.
    private void ReleaseIdleMemory()
    {
        Engine.WriteBlocks?.ReleaseIfIdle();
        ChunkBuffer.Pool.ReleaseIfIdle();
        _idleRelease?.Check();
    }
}
