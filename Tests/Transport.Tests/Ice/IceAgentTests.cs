using System.Net;
using Mesh.Transport.Ice;

namespace Mesh.Transport.Tests.Ice;

public class IceAgentTests
{
    [Fact]
    public void Two_agents_select_the_same_host_pair_in_about_two_round_trips()
    {
        using var pair = new IceAgentPair();
        pair.Start();

        Assert.True(pair.RunUntilConnected());

        var a = pair.A.SelectedPair!;
        var b = pair.B.SelectedPair!;
        Assert.Equal(CandidateType.Host, a.Kind);
        Assert.Equal(a.Local.EndPoint, b.Remote.EndPoint);
        Assert.Equal(a.Remote.EndPoint, b.Local.EndPoint);
        Assert.True(a.Nominated && b.Nominated);
        // 10 ms each way: one check and one nominating check are two round trips.
        Assert.InRange(pair.Clock.Elapsed.TotalMilliseconds, 20, 60);
    }

    [Fact]
    public void Gathering_signals_one_host_candidate_per_interface_and_then_completes()
    {
        var clock = new IceTestClock();
        var network = new IceTestNetwork(clock);
        using var agent = new IceAgent(network.Host("10.0.0.1", "2001:db8::1", "fe80::1"), new IceAgentOptions(), clock, new Random(1));
        var gathered = new List<Candidate>();
        var completed = false;
        agent.CandidateGathered += gathered.Add;
        agent.GatheringCompleted += () => completed = true;

        agent.StartGathering();

        Assert.True(completed);
        Assert.Equal(["10.0.0.1", "2001:db8::1"], gathered.Select(c => c.EndPoint.Address.ToString()).Order());
        Assert.All(gathered, c => Assert.Equal(CandidateType.Host, c.Type));
        Assert.True(gathered.Single(c => c.EndPoint.Address.ToString() == "2001:db8::1").Priority > gathered.Single(c => c.EndPoint.Address.ToString() == "10.0.0.1").Priority);
    }

    [Theory]
    [InlineData(IceRole.Controlling)]
    [InlineData(IceRole.Controlled)]
    public void A_role_conflict_is_resolved_and_both_agents_still_connect(IceRole both)
    {
        using var pair = new IceAgentPair(new IceAgentOptions { Role = both }, new IceAgentOptions { Role = both });
        pair.Start();

        Assert.True(pair.RunUntilConnected());

        Assert.NotEqual(pair.A.Role, pair.B.Role);
        Assert.Equal(pair.A.SelectedPair!.Remote.EndPoint, pair.B.SelectedPair!.Local.EndPoint);
    }

    [Fact]
    public void The_controlled_agent_waits_for_the_nomination()
    {
        using var pair = new IceAgentPair();
        pair.Start();

        // Lose everything A sends that carries USE-CANDIDATE: B must not select anything on its own.
        pair.Network.Drop = (from, _) => from.Address.Equals(IPAddress.Parse("10.0.0.1")) && pair.A.ChecksSent >= 2;
        pair.Clock.RunFor(TimeSpan.FromSeconds(3));

        Assert.Equal(IceAgentState.Checking, pair.B.State);
        Assert.Null(pair.B.SelectedPair);
        Assert.Contains(pair.B.Pairs, p => p.State == CandidatePairState.Succeeded);
    }

    [Fact]
    public void A_peer_known_only_from_its_checks_becomes_a_peer_reflexive_candidate()
    {
        using var pair = new IceAgentPair { SignalBToA = false };
        pair.Start();

        Assert.True(pair.RunUntilConnected());

        Assert.Equal(CandidateType.PeerReflexive, pair.A.SelectedPair!.Remote.Type);
        Assert.Equal(CandidateType.PeerReflexive, pair.A.SelectedPair.Kind);
    }

    [Fact]
    public void Checks_with_the_wrong_password_are_not_answered()
    {
        using var pair = new IceAgentPair();
        pair.Start(new IceCredentials(pair.B.LocalCredentials.Ufrag, "wrong-password-0123456789"));

        pair.Clock.RunUntil(() => pair.A.State == IceAgentState.Failed, TimeSpan.FromSeconds(20));

        Assert.Equal(IceAgentState.Failed, pair.A.State);
        Assert.StartsWith("all 1 candidate pairs failed", pair.A.FailureReason, StringComparison.Ordinal);
        Assert.NotEqual(IceAgentState.Connected, pair.B.State);
    }

    [Fact]
    public void When_every_pair_fails_the_agent_fails_with_a_reason()
    {
        var clock = new IceTestClock();
        var network = new IceTestNetwork(clock);
        using var agent = new IceAgent(network.Host("10.0.0.1"), new IceAgentOptions(), clock, new Random(2));
        agent.SetRemoteCredentials(IceCredentials.Generate(new Random(3)));
        agent.StartGathering();
        agent.AddRemoteCandidate(new Candidate("1", 1, "udp", 2130706431, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 9), CandidateType.Host));
        agent.AddRemoteCandidate(new Candidate("2", 1, "udp", 1694498815, new IPEndPoint(IPAddress.Parse("10.9.9.8"), 9), CandidateType.ServerReflexive));
        agent.AddRemoteEndOfCandidates();

        clock.RunUntil(() => agent.State == IceAgentState.Failed, TimeSpan.FromSeconds(15));

        Assert.Equal(IceAgentState.Failed, agent.State);
        Assert.Equal("all 2 candidate pairs failed their connectivity checks", agent.FailureReason);
        Assert.All(agent.Pairs, p => Assert.Equal(CandidatePairState.Failed, p.State));
        Assert.Equal(2 * new IceAgentOptions().CheckTransmissions, agent.ChecksSent);
    }

    [Fact]
    public void Without_end_of_candidates_the_agent_gives_up_at_the_connect_timeout()
    {
        var clock = new IceTestClock();
        var network = new IceTestNetwork(clock);
        using var agent = new IceAgent(network.Host("10.0.0.1"), new IceAgentOptions { ConnectTimeout = TimeSpan.FromSeconds(12) }, clock, new Random(2));
        agent.SetRemoteCredentials(IceCredentials.Generate(new Random(3)));
        agent.StartGathering();
        agent.AddRemoteCandidate(new Candidate("1", 1, "udp", 2130706431, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 9), CandidateType.Host));

        clock.RunFor(TimeSpan.FromSeconds(11.9));
        Assert.Equal(IceAgentState.Checking, agent.State);
        clock.RunFor(TimeSpan.FromSeconds(0.2));

        Assert.Equal(IceAgentState.Failed, agent.State);
        Assert.Contains("within 12 s", agent.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Consent_checks_keep_a_healthy_pair_connected()
    {
        using var pair = new IceAgentPair();
        pair.Start();
        Assert.True(pair.RunUntilConnected());
        var delivered = pair.Network.Delivered;

        pair.Clock.RunFor(TimeSpan.FromMinutes(2));

        Assert.True(pair.BothConnected);
        // One check every 4 to 6 s from each side, and its answer: about 2 x 2 x 24 datagrams.
        Assert.InRange(pair.Network.Delivered - delivered, 2 * 2 * 20, 2 * 2 * 31);
    }

    [Fact]
    public void Consent_is_lost_thirty_seconds_after_the_peer_stops_answering()
    {
        using var pair = new IceAgentPair();
        pair.Start();
        Assert.True(pair.RunUntilConnected());
        var cutAt = pair.Clock.Elapsed;
        var failedAt = TimeSpan.Zero;
        pair.A.StateChanged += s => failedAt = s == IceAgentState.Failed ? pair.Clock.Elapsed : failedAt;

        pair.Network.Drop = (_, _) => true;
        pair.Clock.RunFor(TimeSpan.FromSeconds(40));

        Assert.Equal(IceAgentState.Failed, pair.A.State);
        Assert.StartsWith("consent lost", pair.A.FailureReason, StringComparison.Ordinal);
        Assert.InRange((failedAt - cutAt).TotalSeconds, 24, 30.1);
    }

    [Fact]
    public void After_consent_is_lost_no_data_is_sent()
    {
        using var pair = new IceAgentPair();
        pair.Start();
        Assert.True(pair.RunUntilConnected());
        pair.Network.Drop = (_, _) => true;
        pair.Clock.RunFor(TimeSpan.FromSeconds(40));
        var sentBefore = 0;
        pair.Network.Drop = (_, _) =>
        {
            sentBefore++;
            return true;
        };

        pair.A.Path.Send([23, 1, 2, 3]);

        Assert.Equal(0, sentBefore);
    }

    [Fact]
    public void The_selected_path_carries_dtls_but_not_stun_or_strangers()
    {
        using var pair = new IceAgentPair();
        pair.Start();
        Assert.True(pair.RunUntilConnected());
        var received = new List<byte[]>();
        pair.B.Path.Start(d => received.Add(d.ToArray()));

        pair.A.Path.Send([22, 254, 253, 9]);
        pair.A.Path.Send([0, 1, 0, 0]);
        pair.Clock.RunFor(TimeSpan.FromMilliseconds(50));

        Assert.Equal([22, 254, 253, 9], Assert.Single(received));
        Assert.Equal(1200, pair.A.Path.MaxDatagramSize);
    }

    [Fact]
    public void Trickled_candidates_that_arrive_late_are_still_checked()
    {
        using var pair = new IceAgentPair { SignalAToB = false, SignalBToA = false };
        var fromB = new List<Candidate>();
        pair.B.CandidateGathered += fromB.Add;
        pair.Start();
        pair.Clock.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(IceAgentState.Checking, pair.A.State);

        foreach (var candidate in fromB)
        {
            pair.A.AddRemoteCandidate(candidate);
        }

        Assert.True(pair.RunUntilConnected(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Non_udp_candidates_and_other_components_are_ignored()
    {
        var clock = new IceTestClock();
        using var agent = new IceAgent(new IceTestNetwork(clock).Host("10.0.0.1"), new IceAgentOptions(), clock, new Random(1));
        var endPoint = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000);

        Assert.False(agent.AddRemoteCandidate(new Candidate("1", 1, "tcp", 1, endPoint, CandidateType.Host)));
        Assert.False(agent.AddRemoteCandidate(new Candidate("1", 2, "udp", 1, endPoint, CandidateType.Host)));
        Assert.True(agent.AddRemoteCandidate(new Candidate("1", 1, "udp", 1, endPoint, CandidateType.Host)));
        Assert.False(agent.AddRemoteCandidate(new Candidate("1", 1, "udp", 1, endPoint, CandidateType.Host)));
    }

    [Fact]
    public void Generated_credentials_are_long_enough_and_legal()
    {
        var credentials = IceCredentials.Generate(new Random(9));

        Assert.True(credentials.IsValid);
        Assert.True(credentials.Password.Length >= 22);
        Assert.NotEqual(credentials, IceCredentials.Generate(new Random(10)));
    }
}
