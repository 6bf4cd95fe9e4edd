using Mesh.Peer.Config;
using Mesh.Peer.Links;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Daemon;

/// <summary>How a <see cref="MeshDaemon"/> runs beyond what config.toml says; the defaults suit <c>mesh run</c>.</summary>
internal sealed record DaemonOptions
{
    /// <summary>Listen here instead of the configured address (<c>mesh run --listen</c>).</summary>
    public TcpAddress? Listen { get; init; }

    /// <summary>Engine tunables; the device name is taken from the configuration.</summary>
    public SyncEngineOptions Engine { get; init; } = new();

    /// <summary>Link tunables (backoff, timeouts, frame limits).</summary>
    public DirectLinkOptions? Links { get; init; }

    /// <summary>How often progress of long scans and syncs is logged.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Garbage allowed above the live heap before the daemon runs a full collection itself
    /// (<see cref="HeapCeiling"/>); null leaves collections to the runtime alone.
    /// </summary>
    public long? HeapSlackBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// How often the heap is compared with its ceiling, and so the most often the daemon collects on its
    /// own: every 200 ms, a burst that refilled the heap between checks (a 512 MiB rehash taking new
    /// 2 MiB blocks) kept the daemon collecting, and A's CPU in one side-by-side run went from 0.6–0.9 to
    /// 3.5–4.6 s for an edit or a rename (docs/daemon.md, "After merging").
    /// </summary>
    public TimeSpan HeapCheckInterval { get; init; } = TimeSpan.FromSeconds(2);
}
