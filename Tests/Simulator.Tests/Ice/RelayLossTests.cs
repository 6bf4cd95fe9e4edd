using System.Net;
using Mesh.Simulator.Network;
using Mesh.Simulator.Servers;
using Mesh.Transport.Ice;

namespace Mesh.Simulator.Tests.Ice;

public class RelayLossTests
{
    [Fact]
    public void Agents_whose_relays_the_server_forgot_fail_their_relayed_pairs_at_once_and_say_why()
    {
        // Two symmetric NATs, so only relayed pairs could work; the TURN server forgets both allocations (as a restart
        // would, or coturn closing one after a failed relayed send) before the agents install their permissions.
        var net = new VirtualNetwork(3);
        var internet = net.CreateSegment("internet", new LinkProfile { Latency = TimeSpan.FromMilliseconds(25) }, "198.51.100.0/24");
        var turnHost = net.AddHost("turn", internet);
        using var turn = new VirtualTurnServer(turnHost, new IPEndPoint(turnHost.Address, 3478), "mesh.test", "mesh", "secret", net.Clock, net.Random);
        var hostA = net.AddHost("a", net.AddNat("nat-a", internet, NatBehavior.Symmetric, "192.168.1.0/24").Inside);
        var hostB = net.AddHost("b", net.AddNat("nat-b", internet, NatBehavior.Symmetric, "192.168.2.0/24").Inside);
        var options = new IceAgentOptions { TurnServers = [new IceTurnServer(turn.EndPoint, "mesh", "secret")], RunContinuationsInline = true };
        using var a = new IceAgent(hostA, options with { Role = IceRole.Controlling }, net.Clock, net.Random);
        using var b = new IceAgent(hostB, options with { Role = IceRole.Controlled }, net.Clock, net.Random);
        a.CandidateGathered += c => net.Clock.Schedule(TimeSpan.Zero, () => b.AddRemoteCandidate(c));
        b.CandidateGathered += c => net.Clock.Schedule(TimeSpan.Zero, () => a.AddRemoteCandidate(c));
        a.GatheringCompleted += () => net.Clock.Schedule(TimeSpan.Zero, b.AddRemoteEndOfCandidates);
        b.GatheringCompleted += () => net.Clock.Schedule(TimeSpan.Zero, a.AddRemoteEndOfCandidates);
        a.SetRemoteCredentials(b.LocalCredentials);
        b.SetRemoteCredentials(a.LocalCredentials);
        a.StartGathering();
        b.StartGathering();
        Assert.True(net.Clock.RunUntil(() => turn.AllocationCount == 2, TimeSpan.FromSeconds(2)));
        turn.DropAllocations();
        var dropped = net.Clock.Elapsed;

        // The first request on a forgotten allocation (a permission for the peer's candidates) gets 437: the relayed
        // pairs fail then, not after their checks have been retransmitted for about 8 s. Pairs from the host socket to
        // the peer's (equally dead) relayed candidate cannot know and keep their schedule.
        Assert.True(net.Clock.RunUntil(() => a.GatheringErrors.Count > 0 && b.GatheringErrors.Count > 0, TimeSpan.FromSeconds(1)));
        Assert.InRange(net.Clock.Elapsed - dropped, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Contains("allocation was lost", a.GatheringErrors[0], StringComparison.Ordinal);
        Assert.Contains("437", a.GatheringErrors[0], StringComparison.Ordinal);
        foreach (var agent in new[] { a, b })
        {
            var relayed = agent.Pairs.Where(p => p.Local.Type == CandidateType.Relayed).ToList();
            Assert.NotEmpty(relayed);
            Assert.All(relayed, p => Assert.Equal(CandidatePairState.Failed, p.State));
        }

        Assert.True(net.Clock.RunUntil(() => a.State == IceAgentState.Failed && b.State == IceAgentState.Failed, TimeSpan.FromSeconds(40)));
    }
}
