using System.Net;
using Mesh.Simulator.Network;
using Mesh.Simulator.Servers;
using Mesh.Transport.Ice;

namespace Mesh.Simulator.Scenarios;

/// <summary>
/// Two real <see cref="IceAgent"/>s on a virtual network: builds the topology an <see cref="IceScenarioOptions"/>
/// describes (NATs, a public STUN server, a public TURN server), signals credentials and trickled candidates
/// between the agents, runs virtual time until both have selected a pair or one has failed, then sends one
/// DTLS-looking datagram each way over the selected path.
/// </summary>
public static class IceScenario
{
    /// <summary>The TURN credentials the scenario's relay accepts.</summary>
    public const string TurnUser = "mesh";

    /// <summary>The TURN password the scenario's relay accepts.</summary>
    public const string TurnPassword = "relay-password";

    /// <summary>Runs one scenario.</summary>
    public static IceScenarioResult Run(IceScenarioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var net = new VirtualNetwork(options.Seed);
        var lanLatency = TimeSpan.FromMilliseconds(0.5);
        var internetLatency = (options.RoundTrip / 2) - (2 * lanLatency);
        var internet = net.CreateSegment("internet", new LinkProfile { Latency = internetLatency, Loss = options.Loss }, "198.51.100.0/24", "2001:db8::/64");
        var lan = new LinkProfile { Latency = lanLatency };
        var stunHost = net.AddHost("stun", internet);
        var turnHost = net.AddHost("turn", internet);
        using var stun = new VirtualStunServer(stunHost, new IPEndPoint(stunHost.Address, 3478));
        using var turn = new VirtualTurnServer(turnHost, new IPEndPoint(turnHost.Address, 3478), "mesh.test", TurnUser, TurnPassword, net.Clock, net.Random);

        VirtualHost hostA, hostB;
        if (options.SameNat)
        {
            var nat = net.AddNat("nat", internet, options.NatA, "192.168.1.0/24", lan);
            hostA = net.AddHost("a", nat.Inside);
            hostB = net.AddHost("b", nat.Inside);
        }
        else if (options.SideA == IceSideKind.BehindSharedCarrierNat || options.SideB == IceSideKind.BehindSharedCarrierNat)
        {
            var carrier = net.AddNat("cgnat", internet, options.NatA, "100.64.0.0/24", lan);
            hostA = Place(net, internet, carrier, options.SideA, options.NatA, "a", "192.168.1.0/24", lan);
            hostB = Place(net, internet, carrier, options.SideB, options.NatB, "b", "192.168.2.0/24", lan);
        }
        else
        {
            hostA = Place(net, internet, null, options.SideA, options.NatA, "a", "192.168.1.0/24", lan);
            hostB = Place(net, internet, null, options.SideB, options.NatB, "b", "192.168.2.0/24", lan);
        }

        var agentOptions = new IceAgentOptions
        {
            StunServers = options.UseStun ? [stun.EndPoint] : [],
            TurnServers = options.UseTurn ? [new IceTurnServer(turn.EndPoint, TurnUser, TurnPassword)] : [],
            RunContinuationsInline = true,
        };
        using var a = new IceAgent(hostA, agentOptions with { Role = IceRole.Controlling }, net.Clock, net.Random);
        using var b = new IceAgent(hostB, agentOptions with { Role = IceRole.Controlled }, net.Clock, net.Random);
        Signal(net, a, b);
        Signal(net, b, a);
        a.SetRemoteCredentials(b.LocalCredentials);
        b.SetRemoteCredentials(a.LocalCredentials);
        a.StartGathering();
        b.StartGathering();

        var start = net.Clock.Elapsed;
        TimeSpan? connectedAt = null;
        net.Clock.RunUntil(
            () =>
            {
                if (connectedAt is null && a.State == IceAgentState.Connected && b.State == IceAgentState.Connected)
                {
                    connectedAt = net.Clock.Elapsed - start;
                }

                return connectedAt is not null || a.State == IceAgentState.Failed || b.State == IceAgentState.Failed;
            },
            options.Limit);

        var connected = connectedAt is not null && Exchange(net, a, b);
        var failure = a.FailureReason ?? b.FailureReason ?? (connected ? null : connectedAt is null ? "timed out" : "no data over the selected path");
        if (connected && options.PartitionAfterConnect)
        {
            internet.Profile = internet.Profile with { Loss = 1 };
        }

        net.Clock.RunFor(options.HoldFor);
        return new IceScenarioResult(connected, a.SelectedPair?.Kind, b.SelectedPair?.Kind, connectedAt, a.ChecksSent, b.ChecksSent, failure, net.TraceHash, (a.State, b.State));
    }

    private static VirtualHost Place(VirtualNetwork net, NetworkSegment internet, NatBox? carrier, IceSideKind kind, NatBehavior behavior, string name, string prefix, LinkProfile lan)
    {
        switch (kind)
        {
            case IceSideKind.Public:
                return net.AddHost(name, internet);
            case IceSideKind.BehindNat:
                return net.AddHost(name, net.AddNat("nat-" + name, internet, behavior, prefix, lan).Inside);
            default:
                var home = net.AddNat("home-" + name, carrier!.Inside, NatBehavior.PortRestrictedCone, prefix, lan);
                return net.AddHost(name, home.Inside);
        }
    }

    /// <summary>Trickles <paramref name="from"/>'s candidates to <paramref name="to"/> as they are gathered (signalling itself is instant here).</summary>
    private static void Signal(VirtualNetwork net, IceAgent from, IceAgent to)
    {
        from.CandidateGathered += c => net.Clock.Schedule(TimeSpan.Zero, () => to.AddRemoteCandidate(c));
        from.GatheringCompleted += () => net.Clock.Schedule(TimeSpan.Zero, to.AddRemoteEndOfCandidates);
    }

    private static bool Exchange(VirtualNetwork net, IceAgent a, IceAgent b)
    {
        var atA = 0;
        var atB = 0;
        a.Path.Start(d => atA += d.Length > 0 && d[0] == 23 ? 1 : 0);
        b.Path.Start(d => atB += d.Length > 0 && d[0] == 23 ? 1 : 0);
        byte[] record = [23, 254, 253, 0, 1, 2, 3];

        // Like DTLS, send again until each side has heard the other: the link may lose a datagram.
        for (var attempt = 0; attempt < 10 && (atA == 0 || atB == 0); attempt++)
        {
            a.Path.Send(record);
            b.Path.Send(record);
            net.Clock.RunUntil(() => atA > 0 && atB > 0, TimeSpan.FromMilliseconds(200));
        }

        return atA > 0 && atB > 0;
    }
}
