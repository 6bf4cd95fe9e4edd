namespace Mesh.Peer.Sync;

/// <summary>
/// The bytes of one chunk received from a peer, in an array rented from <see cref="Pool"/>. The owner
/// disposes it once the bytes are written, which hands the array back; a chunk of 64 KiB to 1 MiB
/// per response would otherwise be a fresh allocation each, a gigabyte of garbage per gigabyte pulled.
/// </summary>
internal sealed class ChunkBuffer : IDisposable
{
    /// <summary>
    /// The arrays of all chunk buffers: up to 16 MiB of them kept, a link's requests in flight by default
    /// (<see cref="SyncEngineOptions.MaxInFlightBytesPerLink"/>), so a steady pull allocates none, and let go
    /// when idle (the daemon's heap check calls <see cref="ChunkBufferPool.ReleaseIfIdle"/>). The shared
    /// array pool keeps up to 32 arrays of each size per core plus one per thread and never gives them
    /// back while memory is plentiful (docs/daemon.md, "Peak RSS"); the pool before this one kept only 8
    /// per size, so most of a pull's chunks were fresh large-object arrays, collected every few dozen.
    /// </summary>
    public static ChunkBufferPool Pool { get; } = new(16 * 1024 * 1024);

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
