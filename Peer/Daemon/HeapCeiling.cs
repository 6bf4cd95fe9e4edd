namespace Mesh.Peer.Daemon;

/// <summary>
/// Keeps the garbage-collected heap within a fixed slack of what was live after the last full
/// collection, by running a full, compacting collection when the heap has grown beyond it.
/// </summary>
/// <remarks>
/// Why (docs/daemon.md, "Peak RSS"): with the daemon's small gen0 budget, anything that lives across a
/// few megabytes of allocation (a pull pass's plan, a batch of decoded index entries) is promoted, and
/// the runtime collects gen2 only when its own budget, sized from what survived earlier, is used up.
/// During the side-by-side scenario b no gen2 collection ran at all and the heap grew to three times
/// what was live. This is a ceiling on garbage, not on live data: a folder that really needs more
/// memory gets it (the ceiling moves up with what survives), so it can never turn into an
/// <see cref="OutOfMemoryException"/> the way a heap hard limit can.
/// </remarks>
internal sealed class HeapCeiling
{
    private readonly long _slackBytes;
    private readonly Func<long> _heapBytes;
    private readonly Action _collect;
    private long _liveBytes;

    /// <summary>
    /// A ceiling of <paramref name="slackBytes"/> above the live heap, measured by
    /// <paramref name="heapBytes"/> and enforced by <paramref name="collect"/> (both replaceable for tests).
    /// </summary>
    public HeapCeiling(long slackBytes, Func<long> heapBytes, Action collect)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slackBytes);
        _slackBytes = slackBytes;
        _heapBytes = heapBytes;
        _collect = collect;
        _liveBytes = heapBytes();
    }

    /// <summary>Collections this ceiling has run.</summary>
    public int Collections { get; private set; }

    /// <summary>The heap size, allocated objects and garbage not yet collected, at which the next check collects.</summary>
    public long LimitBytes => _liveBytes + _slackBytes;

    /// <summary>
    /// The ceiling for this process: the GC's own heap size, and a blocking, compacting full collection,
    /// followed by a trim of the C heap (<see cref="NativeHeapTrim"/>), whose bursts come with the same work.
    /// Not the aggressive mode: that one also empties the shared array pools and decommits every free
    /// region, so the scanner's next 2 MiB blocks were new arrays on fresh pages, the heap grew past the
    /// ceiling again within a check or two, and the daemon spent its time collecting and touching new
    /// memory (side-by-side c1 and d: A's CPU 0.8 → 2.6–3.0 s; docs/daemon.md, "Peak RSS (session 6)").
    /// </summary>
    public static HeapCeiling ForThisProcess(long slackBytes) => new(
        slackBytes,
        static () => GC.GetTotalMemory(forceFullCollection: false),
        static () =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            NativeHeapTrim.Run();
        });

    /// <summary>Collects when the heap is above <see cref="LimitBytes"/>; true when it did.</summary>
    public bool Check()
    {
        var heap = _heapBytes();
        if (heap <= LimitBytes)
        {
            // The runtime's own collections may have brought the heap below what was live after ours.
            _liveBytes = Math.Min(_liveBytes, heap);
            return false;
        }

        _collect();
        Collections++;
        _liveBytes = _heapBytes();
        return true;
    }

    /// <summary>
    /// Checks every <paramref name="interval"/> until <paramref name="ct"/> fires; before each check,
    /// <paramref name="releaseIdle"/> (if any) lets caches that went unused drop what they hold, so that
    /// the collection a check may run takes it.
    /// </summary>
    public async Task RunAsync(TimeSpan interval, TimeProvider time, CancellationToken ct, Action? releaseIdle = null)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                releaseIdle?.Invoke();
                Check();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
