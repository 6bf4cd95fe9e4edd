namespace Mesh.Peer.Sync;

/// <summary>
/// Arrays for received chunks, kept for reuse up to a total of <see cref="MaxRetainedBytes"/> and let go
/// when the pool sat unused between two calls of <see cref="ReleaseIfIdle"/>. Sizes are powers of two
/// from <see cref="MinArrayBytes"/> to <see cref="MaxArrayBytes"/>; a larger request gets an array of
/// its own that is never kept.
/// </summary>
/// <remarks>
/// The bound is in bytes rather than in arrays per size because what a pull holds at once is bounded in
/// bytes (a link's requests in flight): keeping up to that much means a steady pull allocates nothing.
/// Kept arrays are ones no chunk holds, so the pool never holds more than the most chunks ever held at
/// once; without it that memory was garbage waiting for a collection instead, and the collections (every
/// few dozen chunks, the arrays being large objects) were 7 % of the receiving daemon's CPU in the
/// side-by-side scenario a (docs/benchmarks-side-by-side.md, "Scenario a, session 8").
/// </remarks>
internal sealed class ChunkBufferPool
{
    /// <summary>Smallest array handed out.</summary>
    public const int MinArrayBytes = 4 * 1024;

    /// <summary>Largest array that is kept for reuse.</summary>
    public const int MaxArrayBytes = 1024 * 1024;

    private const int MinShift = 12;

    private readonly Lock _gate = new();
    private readonly Stack<byte[]>[] _free;
    private long _retained;
    private bool _rentedSinceRelease;

    /// <summary>A pool that keeps at most <paramref name="maxRetainedBytes"/> of returned arrays.</summary>
    public ChunkBufferPool(long maxRetainedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetainedBytes);
        MaxRetainedBytes = maxRetainedBytes;
        _free = new Stack<byte[]>[BucketOf(MaxArrayBytes) + 1];
        for (var i = 0; i < _free.Length; i++)
        {
            _free[i] = new Stack<byte[]>();
        }
    }

    /// <summary>The most bytes of returned arrays kept at once.</summary>
    public long MaxRetainedBytes { get; }

    /// <summary>Bytes of returned arrays kept now.</summary>
    public long RetainedBytes
    {
        get
        {
            lock (_gate)
            {
                return _retained;
            }
        }
    }

    /// <summary>An array of at least <paramref name="length"/> bytes; its contents are whatever they were.</summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > MaxArrayBytes)
        {
            return GC.AllocateUninitializedArray<byte>(length);
        }

        var bucket = BucketOf(length);
        lock (_gate)
        {
            _rentedSinceRelease = true;
            if (_free[bucket].TryPop(out var kept))
            {
                _retained -= kept.Length;
                return kept;
            }
        }

        // Uninitialized: every byte handed out is overwritten with a chunk before it is read.
        return GC.AllocateUninitializedArray<byte>(MinArrayBytes << bucket);
    }

    /// <summary>Takes an array from <see cref="Rent"/> back, keeping it when there is room.</summary>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length > MaxArrayBytes || array.Length < MinArrayBytes || (array.Length & (array.Length - 1)) != 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_retained + array.Length <= MaxRetainedBytes)
            {
                _free[BucketOf(array.Length)].Push(array);
                _retained += array.Length;
            }
        }
    }

    /// <summary>
    /// Lets the garbage collector have the kept arrays when none was rented since the last call, i.e.
    /// when no pull used the pool for a whole interval: an idle daemon does not hold a pull's buffers.
    /// </summary>
    /// <returns>Whether arrays were let go.</returns>
    public bool ReleaseIfIdle()
    {
        lock (_gate)
        {
            var idle = !_rentedSinceRelease;
            _rentedSinceRelease = false;
            if (!idle || _retained == 0)
            {
                return false;
            }

            foreach (var stack in _free)
            {
                stack.Clear();
            }

            _retained = 0;
            return true;
        }
    }

    private static int BucketOf(int length) =>
        length <= MinArrayBytes ? 0 : (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)length - 1)) - MinShift;
}
