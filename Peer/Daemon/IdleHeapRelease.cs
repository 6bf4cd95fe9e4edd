namespace Mesh.Peer.Daemon;

/// <summary>
/// Gives the memory of a finished burst of work back to the system: once the process has allocated
/// almost nothing for a whole check interval after allocating a good deal, it runs one collection that
/// returns the collector's free regions and the shared array pools' arrays, and trims the C heap; then it
/// waits for the next burst.
/// </summary>
/// <remarks>
/// Why (docs/daemon.md, "Memory, session 8"): the collector keeps the regions a burst committed (twice the
/// live heap after the side-by-side scenario b) and the shared pools keep every array a burst returned,
/// until memory runs short; an idle daemon sat at its busy size, and the next burst started from there.
/// The heap ceiling's compacting collection cannot do this while the daemon works: the aggressive mode
/// that returns regions also empties the pools, and a scan that still runs re-allocates and re-touches
/// its blocks (docs/daemon.md, "Peak RSS (session 6)"). While idle, nothing is using them.
/// </remarks>
internal sealed class IdleHeapRelease
{
    private readonly long _quietBytes;
    private readonly long _burstBytes;
    private readonly Func<long> _allocatedBytes;
    private readonly Action _release;
    private long _lastSeen;
    private long _atRelease;

    /// <summary>
    /// Releases when at most <paramref name="quietBytes"/> were allocated since the previous check and at
    /// least <paramref name="burstBytes"/> since the previous release; <paramref name="allocatedBytes"/>
    /// counts the bytes allocated by the process so far and <paramref name="release"/> gives the memory
    /// back (both replaceable for tests).
    /// </summary>
    public IdleHeapRelease(long quietBytes, long burstBytes, Func<long> allocatedBytes, Action release)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quietBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burstBytes);
        _quietBytes = quietBytes;
        _burstBytes = burstBytes;
        _allocatedBytes = allocatedBytes;
        _release = release;
        _lastSeen = _atRelease = allocatedBytes();
    }

    /// <summary>Releases this object has run.</summary>
    public int Releases { get; private set; }

    /// <summary>
    /// The release for this process: an aggressive, blocking, compacting full collection (free regions are
    /// decommitted and the shared array pools emptied), followed by a trim of the C heap.
    /// </summary>
    public static IdleHeapRelease ForThisProcess(long quietBytes, long burstBytes) => new(
        quietBytes,
        burstBytes,
        static () => GC.GetTotalAllocatedBytes(precise: false),
        static () =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            NativeHeapTrim.Run();
        });

    /// <summary>Releases when the process went quiet after a burst; true when it did.</summary>
    public bool Check()
    {
        var allocated = _allocatedBytes();
        var sinceLastCheck = allocated - _lastSeen;
        _lastSeen = allocated;
        if (sinceLastCheck > _quietBytes || allocated - _atRelease < _burstBytes)
        {
            return false;
        }

        _release();
        Releases++;
        _lastSeen = _atRelease = _allocatedBytes();
        return true;
    }
}
