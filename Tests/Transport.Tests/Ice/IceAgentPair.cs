using Mesh.Transport.Ice;

namespace Mesh.Transport.Tests.Ice;

/// <summary>Two agents on an <see cref="IceTestNetwork"/> with signalling between them that the test can hold back.</summary>
internal sealed class IceAgentPair : IDisposable
{
    public IceAgentPair(IceAgentOptions? optionsA = null, IceAgentOptions? optionsB = null, string addressA = "10.0.0.1", string addressB = "10.0.0.2", int seed = 5)
    {
        Clock = new IceTestClock();
        Network = new IceTestNetwork(Clock);
        var random = new Random(seed);
        A = new IceAgent(Network.Host(addressA), optionsA ?? new IceAgentOptions { Role = IceRole.Controlling }, Clock, random);
        B = new IceAgent(Network.Host(addressB), optionsB ?? new IceAgentOptions { Role = IceRole.Controlled }, Clock, random);
        A.CandidateGathered += c =>
        {
            if (SignalAToB)
            {
                Clock.Schedule(TimeSpan.Zero, () => B.AddRemoteCandidate(c));
            }
        };
        B.CandidateGathered += c =>
        {
            if (SignalBToA)
            {
                Clock.Schedule(TimeSpan.Zero, () => A.AddRemoteCandidate(c));
            }
        };
        A.GatheringCompleted += () =>
        {
            if (SignalAToB)
            {
                Clock.Schedule(TimeSpan.Zero, B.AddRemoteEndOfCandidates);
            }
        };
        B.GatheringCompleted += () =>
        {
            if (SignalBToA)
            {
                Clock.Schedule(TimeSpan.Zero, A.AddRemoteEndOfCandidates);
            }
        };
    }

    public IceTestClock Clock { get; }

    public IceTestNetwork Network { get; }

    public IceAgent A { get; }

    public IceAgent B { get; }

    public bool SignalAToB { get; set; } = true;

    public bool SignalBToA { get; set; } = true;

    public bool BothConnected => A.State == IceAgentState.Connected && B.State == IceAgentState.Connected;

    public void Start(IceCredentials? credentialsOfBAsSeenByA = null)
    {
        A.SetRemoteCredentials(credentialsOfBAsSeenByA ?? B.LocalCredentials);
        B.SetRemoteCredentials(A.LocalCredentials);
        A.StartGathering();
        B.StartGathering();
    }

    public bool RunUntilConnected(TimeSpan? limit = null) => Clock.RunUntil(() => BothConnected, limit ?? TimeSpan.FromSeconds(10));

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
