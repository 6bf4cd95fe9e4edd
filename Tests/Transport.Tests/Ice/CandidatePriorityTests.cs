using System.Net;
using Mesh.Transport.Ice;

namespace Mesh.Transport.Tests.Ice;

public class CandidatePriorityTests
{
    [Fact]
    public void A_host_candidate_with_the_top_local_preference_has_the_well_known_priority()
    {
        Assert.Equal(2130706431u, CandidatePriority.Compute(CandidateType.Host, 65535, 1));
    }

    [Theory]
    [InlineData(CandidateType.Host, 126)]
    [InlineData(CandidateType.PeerReflexive, 110)]
    [InlineData(CandidateType.ServerReflexive, 100)]
    [InlineData(CandidateType.Relayed, 0)]
    public void Type_preferences_are_the_recommended_ones(CandidateType type, int preference)
    {
        Assert.Equal(preference, CandidatePriority.TypePreference(type));
        Assert.Equal((uint)preference << 24, CandidatePriority.Compute(type, 0, 256));
    }

    [Fact]
    public void The_type_outranks_any_local_preference()
    {
        Assert.True(CandidatePriority.Compute(CandidateType.ServerReflexive, 0, 1) > CandidatePriority.Compute(CandidateType.Relayed, 65535, 1));
        Assert.True(CandidatePriority.Compute(CandidateType.Host, 0, 1) > CandidatePriority.Compute(CandidateType.PeerReflexive, 65535, 1));
    }

    [Fact]
    public void Lower_components_rank_higher()
    {
        Assert.Equal(1u, CandidatePriority.Compute(CandidateType.Host, 100, 1) - CandidatePriority.Compute(CandidateType.Host, 100, 2));
    }

    [Fact]
    public void Ipv6_is_preferred_and_every_interface_gets_its_own_preference()
    {
        var v6 = CandidatePriority.LocalPreference(IPAddress.Parse("2001:db8::1"), 0);
        var v4First = CandidatePriority.LocalPreference(IPAddress.Parse("192.0.2.1"), 0);
        var v4Second = CandidatePriority.LocalPreference(IPAddress.Parse("192.0.2.2"), 1);

        Assert.True(v6 > v4First);
        Assert.True(v4First > v4Second);
        Assert.InRange(v6, 0, 65535);
    }

    [Fact]
    public void Pair_priority_follows_the_rfc_formula()
    {
        const uint G = 2130706431;
        const uint D = 1694498815;

        Assert.Equal((((ulong)D) << 32) + (2UL * G) + 1, CandidatePriority.Pair(G, D));
        Assert.Equal((((ulong)D) << 32) + (2UL * G), CandidatePriority.Pair(D, G));
    }

    [Fact]
    public void Both_agents_order_pairs_the_same_way()
    {
        // The controlling agent computes Pair(mine, theirs), the controlled one Pair(theirs, mine): the same number.
        uint[] mine = [2130706431, 1694498815, 16777215];
        uint[] theirs = [2130706175, 1686110207, 33554431];
        var controlling = mine.SelectMany(m => theirs.Select(t => (m, t, p: CandidatePriority.Pair(m, t)))).OrderByDescending(x => x.p).Select(x => (x.m, x.t));
        var controlled = theirs.SelectMany(t => mine.Select(m => (m, t, p: CandidatePriority.Pair(m, t)))).OrderByDescending(x => x.p).Select(x => (x.m, x.t));

        Assert.Equal(controlling, controlled);
    }
}
