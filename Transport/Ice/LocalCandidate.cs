namespace Mesh.Transport.Ice;

/// <summary>A candidate of ours together with the base it sends from (a socket, or a TURN allocation).</summary>
internal sealed class LocalCandidate
{
    public LocalCandidate(Candidate candidate, CandidateBase @base)
    {
        Candidate = candidate;
        Base = @base;
    }

    public Candidate Candidate { get; }

    public CandidateBase Base { get; }

    /// <summary>Whether this candidate is paired with remote ones: reflexive ones are not, because their base already is (RFC 8445 section 6.1.2.4).</summary>
    public bool IsPaired => Candidate.Type is CandidateType.Host or CandidateType.Relayed;

    public override string ToString() => Candidate.ToSdp();
}
