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

    // coturn runs with an ordinary configuration here (no loopback peers; relay-to-relay on its own address). This
    // failed while the public namespace had no default route: a relayed check to a peer's private host address
    // failed in sendto, and coturn closes the whole allocation on such an error (docs/ice.md, "Real NAT").
    [SkippableFact]
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

        var started = System.Diagnostics.Stopwatch.StartNew();
        session.Start();
        try
        {
            await session.ConnectedAsync(Timeout);
            output.WriteLine($"connected in {started.ElapsedMilliseconds} ms");
        }
        finally
        {
            output.WriteLine("A: " + string.Join(", ", session.A.LocalCandidates.Select(c => c.ToString())));
            output.WriteLine("B: " + string.Join(", ", session.B.LocalCandidates.Select(c => c.ToString())));
            output.WriteLine("gathering errors: " + string.Join("; ", session.A.GatheringErrors.Concat(session.B.GatheringErrors)));
        }

        output.WriteLine($"{session.A.SelectedPair} / {session.B.SelectedPair}");
        Assert.Equal(CandidateType.Relayed, session.A.SelectedPair!.Kind);
        Assert.Equal(CandidateType.Relayed, session.B.SelectedPair!.Kind);
    }

    // An ICE agent pairs its relayed candidate with the peer's host candidates too, so the relay sends checks to the
    // peer's private address, which the server cannot reach. coturn closes the whole allocation when a relayed send
    // fails locally (sendto: "Network is unreachable"), so this must be lost silently, as it is on the internet; it
    // was not while the public namespace had no default route, and every relayed pair died with the allocation.
    [SkippableFact]
    public async Task A_relayed_send_to_a_private_address_does_not_cost_the_allocation()
    {
        var turn = new IPEndPoint(IPAddress.Parse(NatNamespaces.Require("TURN_HOST")), int.Parse(NatNamespaces.Require("TURN_PORT"), System.Globalization.CultureInfo.InvariantCulture));
        var credentials = TurnCredentials.FromSharedSecret(NatNamespaces.Require("TURN_SECRET"), "relay-nat-test", DateTimeOffset.UtcNow.AddHours(1));
        var peerHost = new IPEndPoint(IPAddress.Parse(NatNamespaces.Require("SYM2_ADDRESS")), 9);
        using var cts = new CancellationTokenSource(Timeout);
        TurnClientOptions Options(string side) => new() { Server = turn, Credentials = credentials, Network = Network(side) };
        await using var alice = await TurnClient.AllocateAsync(Options("SYM1"), cts.Token);
        await using var bob = await TurnClient.AllocateAsync(Options("SYM2"), cts.Token);
        var atBob = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.Start((_, _) => { });
        bob.Start((data, from) =>
        {
            if (data.SequenceEqual("after"u8))
            {
                atBob.TrySetResult(from);
            }
        });
        await alice.CreatePermissionAsync([peerHost.Address, bob.RelayedAddress.Address], cts.Token);
        await bob.CreatePermissionAsync(alice.RelayedAddress.Address, cts.Token);

        alice.Send("lost on the way"u8, peerHost);
        await Task.Delay(200, cts.Token);
        for (var i = 0; i < 20 && !atBob.Task.IsCompleted; i++)
        {
            alice.Send("after"u8, bob.RelayedAddress);
            await Task.WhenAny(atBob.Task, Task.Delay(100, cts.Token));
        }

        Assert.True(atBob.Task.IsCompleted, "nothing sent through the relay after the lost datagram arrived (the allocation was closed)");
        Assert.Equal(alice.RelayedAddress, await atBob.Task);
        Assert.True(await alice.RefreshAsync(cancellationToken: cts.Token) > TimeSpan.Zero);
    }

    private static NamespaceNetwork Network(string side) =>
        new(NatNamespaces.Require(side), IPAddress.Parse(NatNamespaces.Require(side + "_ADDRESS")));
}
