using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mesh.Peer.Files;

/// <summary>
/// Page-aligned blocks of memory for direct I/O, reused rather than allocated per write: on a virtual
/// machine whose host takes freed guest memory back, the first touch of fresh memory is the slow part
/// of writing a file, and pages that stay with the process are touched once. The blocks live in
/// pinned arrays, so the garbage collector neither moves them under a write nor frees them while a
/// write still holds one. At most <see cref="MaxBlocks"/> exist; past that, <see cref="TryRent"/>
/// says no and the caller writes through the page cache instead.
/// </summary>
internal sealed class AlignedBlockPool
{
    /// <summary>Bytes of one block.</summary>
    public const int BlockBytes = 64 * 1024;

    /// <summary>Alignment of every block's start, and of every direct write's offset and length.</summary>
    public const int Alignment = 4096;

    private const int SlabBlocks = 16;

    private readonly Lock _gate = new();
    private readonly Stack<Memory<byte>> _free = new();
    private readonly List<byte[]> _slabs = [];
    private bool _rentedSinceRelease;

    /// <summary>A pool of at most <paramref name="maxBytes"/> (rounded down to whole slabs of 16 blocks, at least one).</summary>
    public AlignedBlockPool(long maxBytes) => MaxBlocks = Math.Max(SlabBlocks, (int)(maxBytes / BlockBytes / SlabBlocks * SlabBlocks));

    /// <summary>The most blocks that ever exist at once.</summary>
    public int MaxBlocks { get; }

    /// <summary>Blocks not rented now (allocated or not yet), for tests and logs.</summary>
    public int Available
    {
        get
        {
            lock (_gate)
            {
                return _free.Count + MaxBlocks - (_slabs.Count * SlabBlocks);
            }
        }
    }

    /// <summary>Blocks of <see cref="BlockBytes"/> each, all or none: null when fewer than <paramref name="count"/> are left.</summary>
    public Memory<byte>[]? TryRent(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            while (_free.Count < count && _slabs.Count * SlabBlocks < MaxBlocks)
            {
                AddSlab();
            }

            if (_free.Count < count)
            {
                return null;
            }

            _rentedSinceRelease = true;
            var blocks = new Memory<byte>[count];
            for (var i = 0; i < count; i++)
            {
                blocks[i] = _free.Pop();
            }

            return blocks;
        }
    }

    /// <summary>Gives blocks back; their contents are left as they are.</summary>
    public void Return(Memory<byte>[] blocks)
    {
        lock (_gate)
        {
            foreach (var block in blocks)
            {
                _free.Push(block);
            }
        }
    }

    /// <summary>
    /// Lets the garbage collector have the slabs when no block is rented and none was since the last
    /// call, i.e. when the pool sat unused for a whole interval between two calls. A daemon holds on to
    /// the pool's 8 MiB only while it writes large files; idle, or while it pulls thousands of small files
    /// through the page cache, the slabs were dead weight in its peak RSS (docs/daemon.md, "Peak RSS
    /// (session 7)"). The next large file allocates them again.
    /// </summary>
    /// <returns>Whether slabs were let go.</returns>
    public bool ReleaseIfIdle()
    {
        lock (_gate)
        {
            var idle = !_rentedSinceRelease && _free.Count == _slabs.Count * SlabBlocks;
            _rentedSinceRelease = false;
            if (!idle || _slabs.Count == 0)
            {
                return false;
            }

            _free.Clear();
            _slabs.Clear();
            return true;
        }
    }

    private unsafe void AddSlab()
    {
        var slab = GC.AllocateUninitializedArray<byte>((SlabBlocks * BlockBytes) + Alignment, pinned: true);
        var address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(slab));
        var skip = (int)((Alignment - (address % Alignment)) % Alignment);
        _slabs.Add(slab);
        for (var i = SlabBlocks - 1; i >= 0; i--)
        {
            _free.Push(slab.AsMemory(skip + (i * BlockBytes), BlockBytes));
        }
    }
}
