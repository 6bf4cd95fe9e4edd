using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class BoundedBufferPoolTests
{
    [Fact]
    public void Returned_arrays_beyond_the_bound_are_not_kept_whatever_their_sizes()
    {
        var pool = new BoundedBufferPool(maxRetainedBytes: 1024 * 1024, maxArrayBytes: 512 * 1024);
        var rented = new List<byte[]>();
        foreach (var size in new[] { 5_000, 70_000, 300_000, 512 * 1024, 100, 200_000 })
        {
            for (var i = 0; i < 8; i++)
            {
                rented.Add(pool.Rent(size));
            }
        }

        foreach (var array in rented)
        {
            pool.Return(array);
            Assert.True(pool.RetainedBytes <= 1024 * 1024, $"{pool.RetainedBytes} bytes kept");
        }

        Assert.True(pool.RetainedBytes > 512 * 1024, "the pool keeps what fits under its bound");
    }

    [Fact]
    public void A_returned_array_is_handed_out_again()
    {
        var pool = new BoundedBufferPool(maxRetainedBytes: 1024 * 1024, maxArrayBytes: 512 * 1024);
        var first = pool.Rent(100_000);
        pool.Return(first);

        Assert.Same(first, pool.Rent(70_000));
        Assert.Equal(0, pool.RetainedBytes);
    }

    [Fact]
    public void Requests_above_the_largest_size_are_allocated_and_never_kept()
    {
        var pool = new BoundedBufferPool(maxRetainedBytes: 64 * 1024 * 1024, maxArrayBytes: 64 * 1024);
        var big = pool.Rent(100_000);
        Assert.True(big.Length >= 100_000);

        pool.Return(big);
        pool.Return(new byte[10_000]); // not a size the pool hands out

        Assert.Equal(0, pool.RetainedBytes);
    }
}
