namespace Mesh.Transport.Ice;

/// <summary>
/// A local and a remote candidate to check together. The agent keeps the pair's state, nomination and
/// statistics here; the priority depends on which side is controlling and is recomputed when roles change.
/// </summary>
public sealed class CandidatePair
{
    internal CandidatePair(LocalCandidate local, Candidate remote, IceRole role, long order)
    {
        LocalCandidate = local;
        Remote = remote;
        Order = order;
        CheckedPair = this;
        UpdatePriority(role);
    }

    /// <summary>Our candidate (for a reflexive one, its base is what the checks are sent from).</summary>
    public Candidate Local => LocalCandidate.Candidate;

    /// <summary>The peer's candidate (a peer-reflexive one is replaced when the peer signals the same address later).</summary>
    public Candidate Remote { get; internal set; }

    /// <summary>The pair's state in the checklist.</summary>
    public CandidatePairState State { get; internal set; } = CandidatePairState.Frozen;

    /// <summary>The pair priority under the agent's current role.</summary>
    public ulong Priority { get; private set; }

    /// <summary>The pair foundation: the two candidates' foundations joined.</summary>
    public string Foundation => Local.Foundation + ":" + Remote.Foundation;

    /// <summary>Whether a check with USE-CANDIDATE succeeded on this pair (controlling) or arrived for it (controlled).</summary>
    public bool Nominated { get; internal set; }

    /// <summary>The number of check requests sent on this pair, retransmissions included.</summary>
    public int ChecksSent { get; internal set; }

    /// <summary>The round-trip time of the last successful check.</summary>
    public TimeSpan? RoundTripTime { get; internal set; }

    /// <summary>
    /// What kind of path this pair is: relayed if either side is a relay, else peer-reflexive if either is,
    /// else server-reflexive if either is, else host (a direct path between interface addresses).
    /// </summary>
    public CandidateType Kind =>
        Local.Type == CandidateType.Relayed || Remote.Type == CandidateType.Relayed ? CandidateType.Relayed
        : Local.Type == CandidateType.PeerReflexive || Remote.Type == CandidateType.PeerReflexive ? CandidateType.PeerReflexive
        : Local.Type == CandidateType.ServerReflexive || Remote.Type == CandidateType.ServerReflexive ? CandidateType.ServerReflexive
        : CandidateType.Host;

    internal LocalCandidate LocalCandidate { get; }

    /// <summary>For a valid pair, the checklist pair whose check produced it (itself when the mapped address was the local candidate's own).</summary>
    internal CandidatePair CheckedPair { get; set; }

    /// <summary>Insertion order, to break priority ties the same way in every run.</summary>
    internal long Order { get; }

    /// <summary>Set on the controlled side when USE-CANDIDATE arrived before this pair's own check succeeded.</summary>
    internal bool NominateOnSuccess { get; set; }

    /// <summary>When the latest ordinary or triggered check on this pair was sent (time since the agent started).</summary>
    internal TimeSpan LastCheckSentAt { get; set; }

    /// <summary>When the check that made this pair succeed was sent.</summary>
    internal TimeSpan SucceededCheckSentAt { get; set; }

    /// <summary>Set on the controlling side while the nominating check is in flight.</summary>
    internal bool Nominating { get; set; }

    internal void UpdatePriority(IceRole role) =>
        Priority = role == IceRole.Controlling
            ? CandidatePriority.Pair(Local.Priority, Remote.Priority)
            : CandidatePriority.Pair(Remote.Priority, Local.Priority);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Candidate.TypeName(Local.Type)} {Local.EndPoint} -> {Candidate.TypeName(Remote.Type)} {Remote.EndPoint} ({State}{(Nominated ? ", nominated" : string.Empty)})";
}
