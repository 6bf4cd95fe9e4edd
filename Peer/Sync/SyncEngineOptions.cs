namespace Mesh.Peer.Sync;

/// <summary>Tunables of a <see cref="SyncEngine"/>; the defaults suit a daemon, tests shorten the intervals.</summary>
internal sealed record SyncEngineOptions
{
    /// <summary>Name announced in Hello.</summary>
    public string DeviceName { get; init; } = Environment.MachineName;

    /// <summary>Chunk bytes requested but not yet received, per link.</summary>
    public long MaxInFlightBytesPerLink { get; init; } = 16 * 1024 * 1024;

    /// <summary>Chunk requests of one file in flight at once, over all links.</summary>
    public int MaxParallelRequestsPerFile { get; init; } = 32;

    /// <summary>Files pulled at once in one folder, so that round trips and fsyncs overlap.</summary>
    public int MaxParallelFiles { get; init; } = 16;

    /// <summary>Small files (up to 1 MiB) pulled at once in one folder: each is one request, so more of them keep the link busy.</summary>
    public int MaxParallelSmallFiles { get; init; } = 64;

    /// <summary>
    /// Memory for gathering pulled chunks into aligned windows written with direct I/O
    /// (<see cref="AssemblyWriter"/>); zero writes everything through the page cache.
    /// </summary>
    public long DirectWriteBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Small files committed together: one durability barrier and one index transaction per batch.</summary>
    public int CommitBatchFiles { get; init; } = 256;

    /// <summary>Bytes of small files committed together at most.</summary>
    public long CommitBatchBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Least time from the end of one pull pass to the start of the next, so a burst of index updates is
    /// planned once; a wake-up after a longer quiet spell plans at once.
    /// </summary>
    public TimeSpan PullDebounce { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Least time between two index announcements to a peer, so local changes go out in batches; a change
    /// after a longer quiet spell is announced at once.
    /// </summary>
    public TimeSpan IndexDebounce { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Target size of one Index/IndexUpdate message.</summary>
    public int IndexBatchBytes { get; init; } = 512 * 1024;

    /// <summary>How long to wait for a chunk before asking another peer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pause before retrying a pull that failed (peer gone, disk full).</summary>
    public TimeSpan PullRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Safety-net full rescan, also covering whatever the watcher cannot watch.</summary>
    public TimeSpan FullRescanInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Quiet time after a file-system event before the touched paths are rescanned.</summary>
    public TimeSpan WatchDebounce { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether to watch folders with FileSystemWatcher (off in tests that scan explicitly).</summary>
    public bool Watch { get; init; } = true;

    /// <summary>How long a delete is remembered and announced before it is forgotten.</summary>
    public TimeSpan TombstoneLifetime { get; init; } = TimeSpan.FromDays(180);

    /// <summary>
    /// Bytes hashed by a scan after which what it found so far is committed (and so announced to peers),
    /// so that peers start pulling while the rest of a large scan is still being read.
    /// </summary>
    public long ScanCommitBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>How often a file that keeps changing while it is hashed is retried within one scan.</summary>
    public int MaxHashAttempts { get; init; } = 3;

    /// <summary>
    /// Names a pull pass plans and fetches at a time, in name order: the planned entries are what a pass
    /// holds in memory. Large enough for the renamed directory of a few thousand files to be seen whole
    /// (and moved, not copied); a larger folder is pulled in several slices.
    /// </summary>
    public int PullSliceNames { get; init; } = 8192;
}
