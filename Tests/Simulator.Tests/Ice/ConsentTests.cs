using System.Net;
using Mesh.Simulator.Network;
using Mesh.Simulator.Scenarios;
using Mesh.Transport.Ice;

namespace Mesh.Simulator.Tests.Ice;

public class ConsentTests
{
    [Fact]
    public void Consent_checks_keep_nat_mappings_with_a_short_timeout_open()
    {
        // Mappings that expire after 20 s of silence: only the agents' consent checks (every 4 to 6 s) keep them.
        var nat = NatBehavior.PortRestrictedCone with { MappingTimeout = TimeSpan.FromSeconds(20) };

        var result = IceScenario.Run(new IceScenarioOptions { NatA = nat, NatB = nat, HoldFor = TimeSpan.FromMinutes(5) });

        Assert.True(result.Connected, result.Failure);
        Assert.Equal((IceAgentState.Connected, IceAgentState.Connected), result.StateAfterHold);
    }

    [Fact]
    public void A_partition_after_connecting_ends_consent_on_both_sides()
    {
        var result = IceScenario.Run(new IceScenarioOptions { PartitionAfterConnect = true, HoldFor = TimeSpan.FromSeconds(31) });

        Assert.True(result.Connected, result.Failure);
        Assert.Equal((IceAgentState.Failed, IceAgentState.Failed), result.StateAfterHold);
    }

    [Fact]
    public void Dual_stack_hosts_prefer_their_ipv6_addresses()
    {
        var net = new VirtualNetwork(4);
        var internet = net.CreateSegment("internet", new LinkProfile { Latency = TimeSpan.FromMilliseconds(20) }, "198.51.100.0/24", "2001:db8::/64");
        var hostA = net.AddHost("a", internet);
        var hostB = net.AddHost("b", internet);
        hostA.AddInterface(internet, family: System.Net.Sockets.AddressFamily.InterNetworkV6);
        hostB.AddInterface(internet, family: System.Net.Sockets.AddressFamily.InterNetworkV6);
        using var a = new IceAgent(hostA, new IceAgentOptions { Role = IceRole.Controlling }, net.Clock, net.Random);
        using var b = new IceAgent(hostB, new IceAgentOptions { Role = IceRole.Controlled }, net.Clock, net.Random);
        a.CandidateGathered += c => net.Clock.Schedule(TimeSpan.Zero, () => b.AddRemoteCandidate(c));
        b.CandidateGathered += c => net.Clock.Schedule(TimeSpan.Zero, () => a.AddRemoteCandidate(c));
        a.SetRemoteCredentials(b.LocalCredentials);
        b.SetRemoteCredentials(a.LocalCredentials);
        a.StartGathering();
        b.StartGathering();

        Assert.True(net.Clock.RunUntil(() => a.State == IceAgentState.Connected && b.State == IceAgentState.Connected, TimeSpan.FromSeconds(5)));

        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, a.SelectedPair!.Local.EndPoint.AddressFamily);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), b.SelectedPair!.Remote.EndPoint.Address);
        Assert.Equal(4, a.LocalCandidates.Count + b.LocalCandidates.Count);
    }
}
