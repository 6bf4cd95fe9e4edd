using System.Runtime.InteropServices;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class ChunkBufferTests
{
    [Fact]
    public void A_chunk_buffer_holds_a_copy_and_its_array_goes_back_to_the_pool()
    {
        var data = new byte[(96 * 1024) + 7];
        Random.Shared.NextBytes(data);
        using var buffer = ChunkBuffer.CopyOf(data);
        Assert.True(buffer.Span.SequenceEqual(data));
        Assert.Equal(128 * 1024, ArrayOf(buffer).Length);
    }

    [Fact]
    public void The_shared_pool_keeps_as_much_as_a_link_has_in_flight()
    {
        // A steady pull then allocates no chunk arrays: with 8 kept per size, most of a pull's chunks
        // were fresh large-object arrays and their collections 7 % of the receiver's CPU.
        Assert.True(ChunkBuffer.Pool.MaxRetainedBytes >= new SyncEngineOptions().MaxInFlightBytesPerLink);
    }

    [Fact]
    public void Every_returned_array_is_reused_while_the_pool_is_under_its_bound()
    {
        var pool = new ChunkBufferPool(16 * 1024 * 1024);
        var first = Enumerable.Range(0, 100).Select(_ => pool.Rent((96 * 1024) + 7)).ToList();
        var arrays = first.ToHashSet(ReferenceEqualityComparer.Instance);
        first.ForEach(pool.Return);
        Assert.Equal(100 * 128 * 1024, pool.RetainedBytes);

        var second = Enumerable.Range(0, 100).Select(_ => pool.Rent(70 * 1024)).ToList();
        Assert.All(second, array => Assert.Contains(array, arrays));
        Assert.Equal(0, pool.RetainedBytes);
    }

    [Fact]
    public void Returned_arrays_past_the_bound_are_not_kept()
    {
        var pool = new ChunkBufferPool(1024 * 1024);
        var arrays = Enumerable.Range(0, 10).Select(_ => pool.Rent(200 * 1024)).ToList();
        arrays.ForEach(pool.Return);
        Assert.Equal(1024 * 1024, pool.RetainedBytes);

        // Larger than the largest kept size: an array of its own, never kept.
        var large = pool.Rent(ChunkBufferPool.MaxArrayBytes + 1);
        Assert.Equal(ChunkBufferPool.MaxArrayBytes + 1, large.Length);
        pool.Return(large);
        Assert.Equal(1024 * 1024, pool.RetainedBytes);
    }

    [Fact]
    public void An_idle_pool_lets_its_arrays_go()
    {
        var pool = new ChunkBufferPool(1024 * 1024);
        pool.Return(pool.Rent(64 * 1024));

        // Rented since the last call: a pull may be going on.
        Assert.False(pool.ReleaseIfIdle());
        Assert.Equal(64 * 1024, pool.RetainedBytes);

        Assert.True(pool.ReleaseIfIdle());
        Assert.Equal(0, pool.RetainedBytes);
        Assert.False(pool.ReleaseIfIdle());
    }

    private static byte[] ArrayOf(ChunkBuffer buffer) =>
        MemoryMarshal.TryGetArray(buffer.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");
}
