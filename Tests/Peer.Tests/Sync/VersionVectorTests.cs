using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class VersionVectorTests
{
    [Fact]
    public void An_update_makes_a_version_greater_than_before()
    {
        var v1 = VersionVector.Empty.Update(7);
        var v2 = v1.Update(7);

        Assert.Equal(VersionOrdering.Greater, v2.Compare(v1));
        Assert.Equal(VersionOrdering.Lesser, v1.Compare(v2));
        Assert.Equal(2UL, v2[7]);
    }

    [Fact]
    public void Changes_on_two_devices_from_the_same_base_are_concurrent_and_their_merge_dominates_both()
    {
        var start = VersionVector.Of((1, 3), (2, 1));
        var left = start.Update(1);
        var right = start.Update(2);

        Assert.Equal(VersionOrdering.Concurrent, left.Compare(right));
        var merged = left.Merge(right);
        Assert.Equal(VersionOrdering.Greater, merged.Compare(left));
        Assert.Equal(VersionOrdering.Greater, merged.Compare(right));
        Assert.Equal(VersionVector.Of((1, 4), (2, 2)), merged);
    }

    [Fact]
    public void Missing_counters_count_as_zero_and_order_does_not_matter()
    {
        Assert.Equal(VersionOrdering.Equal, VersionVector.Of((5, 1), (3, 2)).Compare(VersionVector.Of((3, 2), (5, 1), (9, 0))));
        Assert.Equal(VersionOrdering.Greater, VersionVector.Of((1, 1)).Compare(VersionVector.Empty));
    }

    [Fact]
    public void The_wire_form_round_trips_and_keeps_the_highest_of_duplicates()
    {
        var vector = VersionVector.Of((ulong.MaxValue, 2), (1, 9));
        Assert.Equal(vector, VersionVector.FromProto(vector.ToProto()));

        var wire = new Mesh.Proto.Vector();
        wire.Counters.Add(new Mesh.Proto.Counter { Id = 4, Value = 1 });
        wire.Counters.Add(new Mesh.Proto.Counter { Id = 4, Value = 6 });
        Assert.Equal(6UL, VersionVector.FromProto(wire)[4]);
    }

    [Fact]
    public void A_vector_from_the_wire_is_sorted_by_device_with_duplicates_merged_and_zero_counters_dropped()
    {
        var wire = new Mesh.Proto.Vector();
        foreach (var (id, value) in new (ulong, ulong)[] { (9, 1), (3, 5), (7, 0), (3, 2), (ulong.MaxValue, 4), (1, 8), (9, 3), (5, 0) })
        {
            wire.Counters.Add(new Mesh.Proto.Counter { Id = id, Value = value });
        }

        Assert.Equal(new (ulong, ulong)[] { (1, 8), (3, 5), (9, 3), (ulong.MaxValue, 4) }, VersionVector.FromProto(wire).Counters.ToArray());
    }

    [Fact]
    public void A_hostile_vector_of_many_counters_in_reverse_order_is_built_sorted_and_merged()
    {
        // 200,000 counters, each device twice, in descending order: built by insertion this took
        // tens of billions of steps; a peer must not be able to stall the planner with one entry.
        var wire = new Mesh.Proto.Vector();
        for (var id = 100_000UL; id >= 1; id--)
        {
            wire.Counters.Add(new Mesh.Proto.Counter { Id = id, Value = id });
            wire.Counters.Add(new Mesh.Proto.Counter { Id = id, Value = id + 1 });
        }

        var counters = VersionVector.FromProto(wire).Counters;

        Assert.Equal(100_000, counters.Length);
        Assert.Equal((1UL, 2UL), counters[0]);
        Assert.Equal((100_000UL, 100_001UL), counters[^1]);
        for (var i = 1; i < counters.Length; i++)
        {
            Assert.True(counters[i - 1].Device < counters[i].Device);
        }
    }

    [Fact]
    public void Comparison_agrees_with_counter_wise_order_on_random_vectors()
    {
        var random = new Random(12);
        for (var round = 0; round < 2000; round++)
        {
            var a = RandomVector(random);
            var b = RandomVector(random);
            var aGe = Enumerable.Range(0, 5).All(d => a[(ulong)d] >= b[(ulong)d]);
            var bGe = Enumerable.Range(0, 5).All(d => b[(ulong)d] >= a[(ulong)d]);
            var expected = (aGe, bGe) switch
            {
                (true, true) => VersionOrdering.Equal,
                (true, false) => VersionOrdering.Greater,
                (false, true) => VersionOrdering.Lesser,
                _ => VersionOrdering.Concurrent,
            };
            Assert.Equal(expected, a.Compare(b));
            Assert.NotEqual(VersionOrdering.Lesser, a.Merge(b).Compare(a));
        }
    }

    private static VersionVector RandomVector(Random random) =>
        VersionVector.Of(Enumerable.Range(0, 5).Select(d => ((ulong)d, (ulong)random.Next(0, 3))).ToArray());
}
