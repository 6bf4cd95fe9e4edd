using Mesh.Peer.Daemon;

namespace Mesh.Peer.Tests.Daemon;

public sealed class HeapCeilingTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Garbage_within_the_slack_is_left_to_the_runtime()
    {
        var heap = new FakeHeap(live: 20 * MiB);
        var ceiling = new HeapCeiling(16 * MiB, () => heap.Size, heap.Collect);

        heap.Allocate(live: 0, garbage: 15 * MiB);

        Assert.False(ceiling.Check());
        Assert.Equal(0, heap.Collections);
    }

    [Fact]
    public void Garbage_beyond_the_slack_is_collected_and_the_ceiling_follows_what_survived()
    {
        var heap = new FakeHeap(live: 20 * MiB);
        var ceiling = new HeapCeiling(16 * MiB, () => heap.Size, heap.Collect);

        heap.Allocate(live: 30 * MiB, garbage: 10 * MiB);
        Assert.True(ceiling.Check());
        Assert.Equal(50 * MiB, heap.Size);

        // A folder that really needs 50 MiB keeps it: the next collection waits for 16 MiB more garbage.
        Assert.Equal(66 * MiB, ceiling.LimitBytes);
        heap.Allocate(live: 0, garbage: 10 * MiB);
        Assert.False(ceiling.Check());
        Assert.Equal(1, heap.Collections);
    }

    [Fact]
    public void A_collection_by_the_runtime_lowers_the_ceiling()
    {
        var heap = new FakeHeap(live: 40 * MiB);
        var ceiling = new HeapCeiling(16 * MiB, () => heap.Size, heap.Collect);

        heap.Free(30 * MiB);
        heap.Collect();
        Assert.False(ceiling.Check());

        heap.Allocate(live: 0, garbage: 20 * MiB);
        Assert.True(ceiling.Check());
        Assert.Equal(10 * MiB, heap.Size);
    }

    private sealed class FakeHeap(long live)
    {
        private long _live = live;
        private long _garbage;

        public long Size => _live + _garbage;

        public int Collections { get; private set; }

        public void Allocate(long live, long garbage)
        {
            _live += live;
            _garbage += garbage;
        }

        public void Free(long bytes)
        {
            _live -= bytes;
            _garbage += bytes;
        }

        public void Collect()
        {
            _garbage = 0;
            Collections++;
        }
    }
}
