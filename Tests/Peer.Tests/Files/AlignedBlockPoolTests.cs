using Mesh.Peer.Files;

namespace Mesh.Peer.Tests.Files;

public sealed class AlignedBlockPoolTests
{
    [Fact]
    public void Slabs_are_kept_while_blocks_are_out_or_were_rented_since_the_last_call()
    {
        var pool = new AlignedBlockPool(1024 * 1024);
        var blocks = pool.TryRent(4)!;

        // Blocks out: nothing is released.
        Assert.False(pool.ReleaseIfIdle());
        pool.Return(blocks);

        // All back, but one was rented since the last call: the pool may be in the middle of a file.
        pool.Return(pool.TryRent(1)!);
        Assert.False(pool.ReleaseIfIdle());
        Assert.Equal(AlignedBlockPool.BlockBytes, pool.TryRent(1)![0].Length);
        Assert.Equal(pool.MaxBlocks - 1, pool.Available);
    }

    [Fact]
    public void An_idle_pool_releases_its_slabs_and_allocates_them_again_when_rented()
    {
        var pool = new AlignedBlockPool(1024 * 1024);
        pool.Return(pool.TryRent(16)!);
        Assert.False(pool.ReleaseIfIdle());

        Assert.True(pool.ReleaseIfIdle());
        Assert.False(pool.ReleaseIfIdle());
        Assert.Equal(pool.MaxBlocks, pool.Available);

        var again = pool.TryRent(16)!;
        Assert.Equal(16, again.Length);
        Assert.All(again, block => Assert.Equal(0, AlignedAddress(block) % AlignedBlockPool.Alignment));
        Assert.Equal(0, pool.Available);
    }

    private static unsafe long AlignedAddress(Memory<byte> block)
    {
        using var pin = block.Pin();
        return (long)pin.Pointer;
    }
}
