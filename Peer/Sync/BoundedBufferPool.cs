using System.Buffers;
using System.Numerics;

namespace Mesh.Peer.Sync;

/// <summary>
/// A pool of byte arrays that keeps at most <see cref="MaxRetainedBytes"/> of returned arrays for
/// reuse, whatever their sizes; a return beyond that is dropped for the GC to collect. Arrays are
/// powers of two from 4 KiB to <see cref="MaxArrayBytes"/>; larger requests are plain allocations
/// and are never kept. <see cref="ArrayPool{T}.Shared"/> keeps returned arrays per thread and per
/// core and per size, with no bound across sizes, and lets them go only on a full GC under memory
/// pressure: after a transfer of 256 KiB chunks and then one of small files a daemon held both
/// sets for good (docs/daemon.md, "Memory").
/// </summary>
internal sealed class BoundedBufferPool : ArrayPool<byte>
{
    private const int MinArrayBytes = 4096;
    private readonly Stack<byte[]>[] _free;
    private readonly Lock _gate = new();
    private long _retained;

    /// <summary>A pool keeping at most <paramref name="maxRetainedBytes"/>, handing out arrays of up to <paramref name="maxArrayBytes"/> (a power of two).</summary>
    public BoundedBufferPool(long maxRetainedBytes, int maxArrayBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetainedBytes);
        if (maxArrayBytes < MinArrayBytes || !BitOperations.IsPow2(maxArrayBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(maxArrayBytes), maxArrayBytes, $"must be a power of two of at least {MinArrayBytes}");
        }

        MaxRetainedBytes = maxRetainedBytes;
        MaxArrayBytes = maxArrayBytes;
        _free = new Stack<byte[]>[ClassOf(maxArrayBytes) + 1];
        for (var i = 0; i < _free.Length; i++)
        {
            _free[i] = new Stack<byte[]>();
        }
    }

    /// <summary>
    /// The pool for chunk data and link frames of the daemon: up to 8 MiB kept (a few dozen chunks,
    /// as many as one response batch and a file's worth of small frames), arrays up to 4 MiB.
    /// </summary>
    public static BoundedBufferPool Chunks { get; } = new(8 * 1024 * 1024, 4 * 1024 * 1024);

    /// <summary>Most bytes of returned arrays kept.</summary>
    public long MaxRetainedBytes { get; }

    /// <summary>Largest array the pool hands out and keeps.</summary>
    public int MaxArrayBytes { get; }

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

    /// <inheritdoc />
    public override byte[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        if (minimumLength > MaxArrayBytes)
        {
            return GC.AllocateUninitializedArray<byte>(minimumLength);
        }

        var size = Math.Max(MinArrayBytes, (int)BitOperations.RoundUpToPowerOf2((uint)minimumLength));
        var free = _free[ClassOf(size)];
        lock (_gate)
        {
            if (free.TryPop(out var array))
            {
                _retained -= array.Length;
                return array;
            }
        }

        return GC.AllocateUninitializedArray<byte>(size);
    }

    /// <inheritdoc />
    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        var size = array.Length;
        if (size < MinArrayBytes || size > MaxArrayBytes || !BitOperations.IsPow2(size))
        {
            return; // not one of ours: left to the GC
        }

        if (clearArray)
        {
            Array.Clear(array);
        }

        lock (_gate)
        {
            if (_retained + size <= MaxRetainedBytes)
            {
                _free[ClassOf(size)].Push(array);
                _retained += size;
            }
        }
    }

    private static int ClassOf(int size) => BitOperations.Log2((uint)size) - BitOperations.Log2(MinArrayBytes);
}
