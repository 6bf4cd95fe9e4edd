using Mesh.Transport.Ice;

namespace Mesh.Simulator.Scenarios;

/// <summary>What happened in one ICE scenario run.</summary>
/// <param name="Connected">Both agents selected a pair and a datagram crossed the selected path each way.</param>
/// <param name="KindA">The kind of A's selected pair.</param>
/// <param name="KindB">The kind of B's selected pair.</param>
/// <param name="TimeToConnected">Virtual time from start until both agents had selected their pair.</param>
/// <param name="ChecksA">Connectivity checks A sent (retransmissions included).</param>
/// <param name="ChecksB">Connectivity checks B sent.</param>
/// <param name="Failure">The failure reason of an agent that failed, if any.</param>
/// <param name="TraceHash">The network trace hash, for determinism checks.</param>
/// <param name="StateAfterHold">A's and B's states after <see cref="IceScenarioOptions.HoldFor"/>.</param>
public sealed record IceScenarioResult(
    bool Connected,
    CandidateType? KindA,
    CandidateType? KindB,
    TimeSpan? TimeToConnected,
    int ChecksA,
    int ChecksB,
    string? Failure,
    ulong TraceHash,
    (IceAgentState A, IceAgentState B) StateAfterHold)
{
    /// <summary>Whether the path went through the relay (on either side).</summary>
    public bool Relayed => KindA == CandidateType.Relayed || KindB == CandidateType.Relayed;
}
