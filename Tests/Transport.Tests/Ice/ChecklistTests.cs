using System.Net;
using Mesh.Transport.Ice;

namespace Mesh.Transport.Tests.Ice;

public class ChecklistTests
{
    private static int _port = 1000;

    private static LocalCandidate Local(string address, CandidateType type = CandidateType.Host, int localPreference = 65535)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(address), _port++);
        var candidate = new Candidate(CandidateFoundation.Compute(type, endPoint.Address, null), 1, "udp", CandidatePriority.Compute(type, localPreference, 1), endPoint, type);
        return new LocalCandidate(candidate, new TestBase(endPoint));
    }

    private static Candidate Remote(string address, int port, CandidateType type = CandidateType.Host, string foundation = "r1", int localPreference = 65535) =>
        new(foundation, 1, "udp", CandidatePriority.Compute(type, localPreference, 1), new IPEndPoint(IPAddress.Parse(address), port), type);

    [Fact]
    public void Pairs_are_ordered_by_pair_priority()
    {
        var list = new Checklist();
        var host = Local("10.0.0.1");
        list.Add(host, Remote("192.0.2.1", 1, CandidateType.Relayed, "a"), IceRole.Controlling);
        list.Add(host, Remote("192.0.2.2", 2, CandidateType.Host, "b"), IceRole.Controlling);
        list.Add(host, Remote("192.0.2.3", 3, CandidateType.ServerReflexive, "c"), IceRole.Controlling);

        Assert.Equal([CandidateType.Host, CandidateType.ServerReflexive, CandidateType.Relayed], list.Pairs.Select(p => p.Remote.Type));
        Assert.True(list.Pairs.Zip(list.Pairs.Skip(1)).All(x => x.First.Priority >= x.Second.Priority));
    }

    [Fact]
    public void A_redundant_pair_with_the_same_base_and_remote_is_pruned()
    {
        var list = new Checklist();
        var host = Local("10.0.0.1");
        var remote = Remote("192.0.2.1", 5000);

        Assert.NotNull(list.Add(host, remote, IceRole.Controlling));
        Assert.Null(list.Add(host, remote with { Priority = remote.Priority - 1000 }, IceRole.Controlling));
        Assert.Single(list.Pairs);
    }

    [Fact]
    public void Only_the_first_pair_of_a_foundation_waits_the_others_are_frozen()
    {
        var list = new Checklist();
        var host = Local("10.0.0.1");
        var first = list.Add(host, Remote("192.0.2.1", 1, foundation: "same"), IceRole.Controlling)!;
        var second = list.Add(host, Remote("192.0.2.2", 2, foundation: "same", localPreference: 10), IceRole.Controlling)!;
        var other = list.Add(host, Remote("192.0.2.3", 3, foundation: "other", localPreference: 5), IceRole.Controlling)!;

        Assert.Equal(CandidatePairState.Waiting, first.State);
        Assert.Equal(CandidatePairState.Frozen, second.State);
        Assert.Equal(CandidatePairState.Waiting, other.State);
    }

    [Fact]
    public void Success_unfreezes_the_pairs_of_the_same_foundation()
    {
        var list = new Checklist();
        var host = Local("10.0.0.1");
        var first = list.Add(host, Remote("192.0.2.1", 1, foundation: "same"), IceRole.Controlling)!;
        var second = list.Add(host, Remote("192.0.2.2", 2, foundation: "same", localPreference: 10), IceRole.Controlling)!;

        first.State = CandidatePairState.Succeeded;
        list.Unfreeze(first.Foundation);

        Assert.Equal(CandidatePairState.Waiting, second.State);
    }

    [Fact]
    public void Triggered_checks_go_before_ordinary_ones()
    {
        var list = new Checklist();
        var host = Local("10.0.0.1");
        var best = list.Add(host, Remote("192.0.2.1", 1, foundation: "a"), IceRole.Controlling)!;
        var worst = list.Add(host, Remote("192.0.2.2", 2, CandidateType.Relayed, "b"), IceRole.Controlling)!;

        list.Trigger(worst);

        Assert.Same(worst, list.Next());
        worst.State = CandidatePairState.InProgress;
        Assert.Same(best, list.Next());
    }

    [Fact]
    public void When_nothing_waits_a_frozen_pair_of_an_idle_foundation_is_unfrozen()
    {
        var list = new Checklist();
        var host = Local("10.0.0.1");
        var first = list.Add(host, Remote("192.0.2.1", 1, foundation: "same"), IceRole.Controlling)!;
        var second = list.Add(host, Remote("192.0.2.2", 2, foundation: "same", localPreference: 10), IceRole.Controlling)!;

        Assert.Same(first, list.Next());
        first.State = CandidatePairState.InProgress;
        Assert.Null(list.Next());
        first.State = CandidatePairState.Failed;

        Assert.Same(second, list.Next());
        Assert.Equal(CandidatePairState.Waiting, second.State);
    }

    [Fact]
    public void The_pair_limit_keeps_the_highest_priorities()
    {
        var list = new Checklist(limit: 3);
        var host = Local("10.0.0.1");
        for (var i = 0; i < 5; i++)
        {
            list.Add(host, Remote("192.0.2.1", 100 + i, CandidateType.Host, "f" + i, localPreference: 1000 * (i + 1)), IceRole.Controlling);
        }

        Assert.Equal(3, list.Pairs.Count);
        Assert.Equal([104, 103, 102], list.Pairs.Select(p => p.Remote.EndPoint.Port));
    }

    [Fact]
    public void A_role_change_reorders_the_pairs()
    {
        var list = new Checklist();
        var strongLocal = Local("10.0.0.1", CandidateType.Host, 65535);
        var weakLocal = Local("10.0.0.2", CandidateType.Host, 100);
        var strongRemote = Remote("192.0.2.1", 1, CandidateType.Host, "a", 60000);
        var weakRemote = Remote("192.0.2.2", 2, CandidateType.Host, "b", 200);
        list.Add(strongLocal, weakRemote, IceRole.Controlling);
        list.Add(weakLocal, strongRemote, IceRole.Controlling);
        var before = list.Pairs.Select(p => p.Priority).ToList();

        list.Reprioritise(IceRole.Controlled);

        Assert.NotEqual(before, list.Pairs.Select(p => p.Priority).ToList());
        Assert.True(list.Pairs[0].Priority >= list.Pairs[1].Priority);
    }

    [Fact]
    public void The_pair_kind_names_the_least_direct_side()
    {
        var list = new Checklist();
        var host = Local("10.0.0.1");
        var relay = Local("198.51.100.9", CandidateType.Relayed);

        Assert.Equal(CandidateType.Host, list.Add(host, Remote("192.0.2.1", 1), IceRole.Controlling)!.Kind);
        Assert.Equal(CandidateType.ServerReflexive, list.Add(host, Remote("192.0.2.2", 2, CandidateType.ServerReflexive, "s"), IceRole.Controlling)!.Kind);
        Assert.Equal(CandidateType.PeerReflexive, list.Add(host, Remote("192.0.2.3", 3, CandidateType.PeerReflexive, "p"), IceRole.Controlling)!.Kind);
        Assert.Equal(CandidateType.Relayed, list.Add(relay, Remote("192.0.2.4", 4, CandidateType.ServerReflexive, "s2"), IceRole.Controlling)!.Kind);
    }

    private sealed class TestBase(IPEndPoint local) : CandidateBase
    {
        public override IPEndPoint LocalEndPoint => local;

        public override int MaxDatagramSize => 1200;

        public override void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
