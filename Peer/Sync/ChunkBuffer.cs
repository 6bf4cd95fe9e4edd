using System.Buffers;

namespace Mesh.Peer.Sync;

/// <summary>
/// The bytes of one chunk received from a peer, in an array rented from a bounded pool. The owner
/// disposes it once the bytes are written, which hands the array back; a chunk of 64 KiB to 1 MiB
/// per response would otherwise be a fresh allocation each, a gigabyte of garbage per gigabyte pulled.
/// </summary>
internal sealed class ChunkBuffer : IDisposable
{
    // A pool of its own, bounded: the shared pool keeps up to 32 arrays of each size per core plus one
    // per thread, and never gives them back while memory is plentiful, so after a large pull it held
    // 10–20 MiB of chunk arrays for good (docs/daemon.md, "Peak RSS"). This one keeps at most
    // KeptPerSize arrays of each power-of-two size; the rest of the 16 MiB in flight is garbage once written.
    private const int KeptPerSize = 8;
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(1024 * 1024, KeptPerSize);

    private byte[]? _array;

    private ChunkBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    /// <summary>Bytes in the chunk.</summary>
    public int Length { get; }

    /// <summary>The chunk's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(ChunkBuffer))).AsMemory(0, Length);

    /// <summary>The chunk's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Span => Memory.Span;

    /// <summary>A pooled copy of <paramref name="source"/>.</summary>
    public static ChunkBuffer CopyOf(ReadOnlySpan<byte> source)
    {
        var array = Pool.Rent(Math.Max(source.Length, 1));
        source.CopyTo(array);
        return new ChunkBuffer(array, source.Length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            Pool.Return(array);
        }
    }
}
