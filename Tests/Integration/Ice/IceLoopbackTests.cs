using System.Diagnostics;
using System.Net;
using Mesh.TestSupport;
using Mesh.Transport.Ice;
using Mesh.Transport.Net;
using Mesh.Transport.Turn;
using Xunit.Abstractions;

namespace Mesh.Integration.Ice;

/// <summary>Two ICE agents over real UDP on loopback, directly and through the harness's coturn.</summary>
public sealed class IceLoopbackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Two_agents_connect_over_real_udp_with_host_candidates(string address)
    {
        var network = new AddressLimitedNetwork(SocketNetwork.Instance, IPAddress.Parse(address));
        using var session = new IceSession(network, network, new IceAgentOptions());
        var clock = Stopwatch.StartNew();

        session.Start();
        await session.ConnectedAsync(Timeout);
        var elapsed = clock.Elapsed;

        output.WriteLine($"connected over {address} in {elapsed.TotalMilliseconds:F1} ms; checks {session.A.ChecksSent} + {session.B.ChecksSent}");
        // A direct path between the two host candidates. B's first check can reach A before B's trickled
        // candidate does (on loopback the whole exchange takes ~2 ms), so A may have learned that same
        // address as a peer-reflexive candidate and nominated it before the signalled one arrived; it is
        // still the host-to-host path, which the endpoints below pin.
        var pair = session.A.SelectedPair!;
        Assert.Equal(CandidateType.Host, pair.Local.Type);
        Assert.Contains(pair.Kind, new[] { CandidateType.Host, CandidateType.PeerReflexive });
        Assert.Equal(pair.Local.EndPoint, session.B.SelectedPair!.Remote.EndPoint);
        Assert.Equal(session.B.SelectedPair.Local.EndPoint, pair.Remote.EndPoint);
        Assert.Equal(CandidateType.Host, session.B.SelectedPair.Local.Type);
        await ExchangeAsync(session);
    }

    [SkippableFact]
    public async Task Two_agents_connect_through_coturn_when_only_relayed_candidates_are_signalled()
    {
        var turn = TestServers.RequireTurn();
        var credentials = TurnCredentials.FromSharedSecret(turn.Secret, "ice-test", DateTimeOffset.UtcNow.AddHours(1));
        var options = new IceAgentOptions
        {
            TurnServers = [new IceTurnServer(new IPEndPoint(IPAddress.Parse(turn.Host), turn.Port), credentials.Username, credentials.Password)],
        };
        var network = new AddressLimitedNetwork(SocketNetwork.Instance, IPAddress.Loopback);
        using var session = new IceSession(network, network, options, c => c.Type == CandidateType.Relayed);

        session.Start();
        await session.ConnectedAsync(Timeout);

        output.WriteLine($"relayed: {session.A.SelectedPair} / {session.B.SelectedPair}");
        Assert.Equal(CandidateType.Relayed, session.A.SelectedPair!.Kind);
        Assert.Equal(CandidateType.Relayed, session.B.SelectedPair!.Kind);
        await ExchangeAsync(session);
    }

    [SkippableFact]
    public async Task Wrong_turn_credentials_are_reported_and_the_direct_path_still_works()
    {
        var turn = TestServers.RequireTurn();
        var options = new IceAgentOptions
        {
            TurnServers = [new IceTurnServer(new IPEndPoint(IPAddress.Parse(turn.Host), turn.Port), "1999999999:nobody", "wrong")],
        };
        var network = new AddressLimitedNetwork(SocketNetwork.Instance, IPAddress.Loopback);
        using var session = new IceSession(network, network, options);

        session.Start();
        await session.ConnectedAsync(Timeout);
        await WaitAsync(() => session.A.GatheringComplete && session.B.GatheringComplete);

        Assert.Equal(CandidateType.Host, session.A.SelectedPair!.Kind);
        var error = Assert.Single(session.A.GatheringErrors);
        output.WriteLine(error);
        Assert.Contains("TURN", error, StringComparison.Ordinal);
    }

    private static async Task ExchangeAsync(IceSession session)
    {
        var atA = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var atB = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.A.Path.Start(d => atA.TrySetResult(d.ToArray()));
        session.B.Path.Start(d => atB.TrySetResult(d.ToArray()));

        // A DTLS-looking record (first byte 23) each way; UDP may lose one, so send a few.
        for (var i = 0; i < 5 && !(atA.Task.IsCompleted && atB.Task.IsCompleted); i++)
        {
            session.A.Path.Send([23, 254, 253, 1]);
            session.B.Path.Send([23, 254, 253, 2]);
            await Task.WhenAny(Task.WhenAll(atA.Task, atB.Task), Task.Delay(200));
        }

        Assert.Equal([23, 254, 253, 2], await atA.Task.WaitAsync(Timeout));
        Assert.Equal([23, 254, 253, 1], await atB.Task.WaitAsync(Timeout));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Timeout, "timed out");
            await Task.Delay(20);
        }
    }
}
