using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Mesh.Peer.Files;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Scanning;
using Mesh.Proto;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Sync;

/// <summary>
/// The sync engine of one device: its folders (each with a scanner, a puller, a rescan queue and
/// optionally a watcher), its index, and its links to peers. It knows nothing about sockets: whoever
/// makes a link (in-memory pair, TLS over TCP, a data channel) hands it to <see cref="RunLinkAsync(ILink, IReadOnlySet{string}, CancellationToken)"/>.
/// </summary>
internal sealed class SyncEngine : IAsyncDisposable
{
    private readonly Dictionary<string, FolderRuntime> _folders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<DeviceId, PeerConnection> _connections = new();
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly Lock _connectionsGate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private bool _started;
    private long _chunkBytesFetched;

    /// <summary>Creates an engine; add folders, then <see cref="Start"/>.</summary>
    public SyncEngine(DeviceId localDevice, IndexStore store, SyncEngineOptions options, TimeProvider time, Random random, ILoggerFactory loggers, IFileSystem? fileSystem = null)
    {
        LocalDevice = localDevice;
        Store = store;
        Options = options;
        Time = time;
        _random = random;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Mesh.Sync");
        FileSystem = fileSystem ?? new LocalFileSystem();
        WriteBlocks = options.DirectWriteBytes > 0 ? new AlignedBlockPool(options.DirectWriteBytes) : null;
    }

    /// <summary>This device.</summary>
    public DeviceId LocalDevice { get; }

    /// <summary>The index.</summary>
    public IndexStore Store { get; }

    /// <summary>The tunables.</summary>
    public SyncEngineOptions Options { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The file system the folders live on.</summary>
    public IFileSystem FileSystem { get; }

    /// <summary>Blocks for direct writes of pulled files, shared by all folders; null when direct writes are off.</summary>
    public AlignedBlockPool? WriteBlocks { get; }

    /// <summary>The folders.</summary>
    public IReadOnlyCollection<SyncFolder> Folders => _folders.Values.Select(f => f.Folder).ToList();

    /// <summary>Ready connections, by device.</summary>
    public IReadOnlyCollection<PeerConnection> Connections => _connections.Values.Where(c => c.IsReady).ToList();

    /// <summary>Chunk bytes received from peers and verified, since the engine started.</summary>
    public long ChunkBytesFetched => Interlocked.Read(ref _chunkBytesFetched);

    /// <summary>Counts verified chunk bytes received from a peer.</summary>
    public void CountFetched(long bytes) => Interlocked.Add(ref _chunkBytesFetched, bytes);

    /// <summary>Adds a folder (before <see cref="Start"/>); creates its index generation the first time.</summary>
    public void AddFolder(FolderOptions options)
    {
        if (_started)
        {
            throw new InvalidOperationException("Folders are added before the engine starts.");
        }

        var folder = new SyncFolder(options, FileSystem, Time);
        ulong indexId;
        lock (_randomGate)
        {
            indexId = (ulong)_random.NextInt64(1, long.MaxValue);
        }

        Store.EnsureFolder(options.Id, indexId);
        var logger = _loggers.CreateLogger("Mesh.Sync.Folder");

        // Before anything scans the folder: a patch cut short by a crash is finished or undone first.
        PatchJournalRecovery.Recover(folder, Store, logger);
        PendingDurabilityRecovery.Recover(folder, Store, Time, LocalDevice.ShortId, logger);
        _folders.Add(options.Id, new FolderRuntime(
            folder,
            new FolderScanner(folder, Store, LocalDevice, Options, Time, logger),
            new FolderPuller(this, folder, logger),
            new ScanQueue()));
    }

    /// <summary>Starts pulling, queued and periodic rescans and, if enabled, watching.</summary>
    public void Start()
    {
        _started = true;
        var ct = _stop.Token;
        foreach (var runtime in _folders.Values)
        {
            _loops.Add(Task.Run(() => runtime.Puller.RunAsync(ct), ct));
            _loops.Add(Task.Run(() => ScanLoopAsync(runtime, ct), ct));
            _loops.Add(Task.Run(() => PeriodicLoopAsync(runtime, ct), ct));
            if (Options.Watch)
            {
                runtime.Watcher = new FolderWatcher(runtime.Folder, path => RequestScan(runtime.Folder.Id, path),
                    name => Store.GetLocal(runtime.Folder.Id, name) is { Entry.Deleted: false }, Options.WatchDebounce, Time, _loggers.CreateLogger("Mesh.Sync.Watcher"));
            }
        }
    }

    /// <summary>Finds a folder by ID.</summary>
    public bool TryGetFolder(string id, [NotNullWhen(true)] out SyncFolder? folder)
    {
        if (_folders.TryGetValue(id, out var runtime))
        {
            folder = runtime.Folder;
            return true;
        }

        folder = null;
        return false;
    }

    /// <summary>The status of a folder.</summary>
    public FolderStatus GetStatus(string folderId) => _folders[folderId].Folder.Status;

    /// <summary>Scans a folder (or a path in it) now and returns when the changes are in the index.</summary>
    public Task<ScanResult> ScanAsync(string folderId, string? subPath = null, IProgress<ScanProgress>? progress = null, CancellationToken ct = default) =>
        ScanPathsAsync(folderId, subPath is null ? null : [subPath], progress, ct);

    /// <summary>
    /// Scans several paths of a folder (the whole folder when <paramref name="subPaths"/> is null) as one
    /// scan, so a name moved from one of them to another is recorded as a rename, and returns when the
    /// changes are in the index.
    /// </summary>
    public async Task<ScanResult> ScanPathsAsync(string folderId, IReadOnlyList<string>? subPaths, IProgress<ScanProgress>? progress = null, CancellationToken ct = default)
    {
        var runtime = _folders[folderId];
        await runtime.Folder.Gate.WaitAsync(ct).ConfigureAwait(false);

        // This scan records what the watcher has been told about these paths so far; left pending, those
        // events would scan the same change again when the watcher's debounce ends.
        runtime.Watcher?.Forget(subPaths);
        var previous = runtime.Folder.Status;
        runtime.Folder.Status = previous with { State = FolderState.Scanning };
        var wake = true;
        try
        {
            var result = await runtime.Scanner.ScanPathsAsync(subPaths, progress, ct).ConfigureAwait(false);
            wake = result.Requeued > 0 || (result.Changed > 0 && (result.MayNeed || !NothingNeeded(previous)));
            return result;
        }
        finally
        {
            runtime.Folder.Status = runtime.Folder.Status.State == FolderState.Scanning ? previous : runtime.Folder.Status;
            runtime.Folder.Gate.Release();

            // A scan that found nothing new changes no need; the watcher rescans every path the puller
            // writes, and re-planning the folder after each of those scans only costs. Nor does a change
            // whose new versions cover what peers announced for its names, when nothing was needed
            // before it (with needs left, the pass also recounts them): after a local rename of 2,000
            // files that pass joined the whole folder (60-200 ms for 22,000 names) to find nothing,
            // holding the index while the sender waited to announce the rename.
            if (wake)
            {
                runtime.Folder.PullWanted.Notify();
            }
        }
    }

    private static bool NothingNeeded(FolderStatus status) =>
        status is { State: FolderState.Idle, NeedFiles: 0, Error: null };

    /// <summary>
    /// True while the folder's watcher holds events (of <paramref name="path"/>, or of any path when null)
    /// whose rescan its debounce has not started yet.
    /// </summary>
    internal bool WatcherHasPending(string folderId, string? path = null) =>
        _folders[folderId].Watcher is { } watcher && (path is null ? watcher.HasPending : watcher.IsPending(path));

    /// <summary>Queues a rescan of a path (or the whole folder when null); it runs in the background.</summary>
    public void RequestScan(string folderId, string? path)
    {
        if (_folders.TryGetValue(folderId, out var runtime))
        {
            runtime.Queue.Add(path);
        }
    }

    /// <summary>
    /// Runs the sync protocol over <paramref name="link"/> until it ends, sharing every folder of the
    /// engine that the peer lists too. A newer link to the same device replaces an older one.
    /// </summary>
    public Task RunLinkAsync(ILink link, CancellationToken ct) => RunLinkAsync(link, null, ct);

    /// <summary>
    /// Runs the sync protocol over <paramref name="link"/> until it ends. Only folders in
    /// <paramref name="sharedFolders"/> (every folder when null) are announced to this peer and taken
    /// from it: a folder is shared when both sides list it for each other. A newer link to the same
    /// device replaces an older one.
    /// </summary>
    public async Task RunLinkAsync(ILink link, IReadOnlySet<string>? sharedFolders, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(link);
        var connection = new PeerConnection(this, link, _loggers.CreateLogger("Mesh.Sync.Link"), sharedFolders);
        lock (_connectionsGate)
        {
            // A link whose owner already cancelled it was replaced before it got here (callbacks can
            // reach the engine in either order); letting it in would stop the link that replaced it.
            // Checked under the same lock as the replacement, so a cancel that happened before the
            // newer link started is always seen.
            if (ct.IsCancellationRequested)
            {
                return;
            }

            if (_connections.TryGetValue(link.RemoteDevice, out var older))
            {
                older.Stop("replaced by a newer link to the same device");
            }

            _connections[link.RemoteDevice] = connection;
        }
        // The owner's token stops the connection with its own reason: a link the owner replaced used
        // to end with "engine stopping", which sent readers of the log the wrong way.
        using var owner = ct.Register(static state => ((PeerConnection)state!).Stop("stopped by the link's owner (another connection to the device replaced it, or it is shutting down)"), connection);
        try
        {
            await connection.RunAsync(_stop.Token).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(new KeyValuePair<DeviceId, PeerConnection>(link.RemoteDevice, connection));
        }
    }

    /// <summary>Ready connections that share <paramref name="folderId"/>.</summary>
    public List<PeerConnection> ConnectionsFor(string folderId) =>
        _connections.Values.Where(c => c.Shares(folderId)).ToList();

    /// <summary>A random integer in [0, <paramref name="max"/>) from the injected source.</summary>
    public int NextRandom(int max)
    {
        lock (_randomGate)
        {
            return _random.Next(max);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var connection in _connections.Values)
        {
            connection.Stop("engine stopping");
        }

        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        // Files pulled but not yet durable are made so before the process ends (a SIGTERM waits for it).
        foreach (var runtime in _folders.Values)
        {
            await runtime.Puller.Durability.DrainAsync().ConfigureAwait(false);
        }

        foreach (var runtime in _folders.Values)
        {
            runtime.Watcher?.Dispose();
            runtime.Folder.Dispose();
        }

        _stop.Dispose();
    }

    private async Task ScanLoopAsync(FolderRuntime runtime, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<string?> work;
            try
            {
                work = await runtime.Queue.TakeAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var path in work)
            {
                try
                {
                    // A file that still matches its record (above all one the puller just renamed into
                    // place) would be skipped by the scan anyway; checked here, when the queue is taken,
                    // so a batch the puller was still committing when the event came is recorded by now.
                    if (path is not null && !RescanFilter.IsNeeded(runtime.Folder, Store, path))
                    {
                        continue;
                    }

                    _logger.LogDebug("Rescanning {Folder}/{Path}", runtime.Folder.Id, path ?? "(all)");
                    await ScanAsync(runtime.Folder.Id, ScopeFor(runtime.Folder.Id, path), null, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed scan is reported and the queue goes on; the periodic rescan retries it.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _logger.LogWarning(ex, "Scan of {Folder}/{Path} failed: {Reason}", runtime.Folder.Id, path ?? string.Empty, ex.Message);
                }
            }
        }
    }

    // A path whose parent directory the index does not know yet is scanned from the nearest known
    // ancestor, so new directories are recorded along with what is in them.
    private string? ScopeFor(string folderId, string? path)
    {
        while (path is not null)
        {
            var slash = path.LastIndexOf('/');
            if (slash < 0)
            {
                return path;
            }

            var parent = path[..slash];
            if (Store.GetLocal(folderId, parent) is { Entry: { Deleted: false, Type: FileType.Directory } })
            {
                return path;
            }

            path = parent;
        }

        return null;
    }

    private async Task PeriodicLoopAsync(FolderRuntime runtime, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Options.FullRescanInterval, Time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var cutoff = (Time.GetUtcNow() - Options.TombstoneLifetime - DateTimeOffset.UnixEpoch).Ticks * 100;
            var expired = Store.ExpireTombstones(runtime.Folder.Id, cutoff);
            if (expired > 0)
            {
                _logger.LogInformation("Folder {Folder}: forgot {Count} deletes older than {Lifetime}", runtime.Folder.Id, expired, Options.TombstoneLifetime);
            }

            RequestScan(runtime.Folder.Id, null);
        }
    }

    private sealed class FolderRuntime(SyncFolder folder, FolderScanner scanner, FolderPuller puller, ScanQueue queue)
    {
        public SyncFolder Folder { get; } = folder;

        public FolderScanner Scanner { get; } = scanner;

        public FolderPuller Puller { get; } = puller;

        public ScanQueue Queue { get; } = queue;

        public FolderWatcher? Watcher { get; set; }
    }
}
