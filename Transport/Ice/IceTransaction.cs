using System.Net;
using Mesh.Transport.Stun;

namespace Mesh.Transport.Ice;

/// <summary>One outstanding STUN request of an agent, with its retransmission state.</summary>
internal sealed class IceTransaction
{
    public IceTransaction(StunTransactionId id, IceTransactionKind kind, CandidateBase @base, IPEndPoint remote, byte[] request)
    {
        Id = id;
        Kind = kind;
        Base = @base;
        Remote = remote;
        Request = request;
    }

    public StunTransactionId Id { get; }

    public IceTransactionKind Kind { get; }

    public CandidateBase Base { get; }

    public IPEndPoint Remote { get; }

    public byte[] Request { get; }

    /// <summary>When the first copy was sent (time since the agent started).</summary>
    public TimeSpan SentAt { get; set; }

    /// <summary>When to retransmit next, or to give up.</summary>
    public TimeSpan NextAt { get; set; }

    public TimeSpan Rto { get; set; }

    public int Transmissions { get; set; }

    public int MaxTransmissions { get; set; }

    /// <summary>False once a newer check on the same pair superseded this one: it still takes a response but is not resent.</summary>
    public bool Retransmit { get; set; } = true;

    /// <summary>The checked pair, for checks and consent.</summary>
    public CandidatePair? Pair { get; init; }

    /// <summary>For a nominating check, the valid pair it nominates.</summary>
    public CandidatePair? Nominates { get; init; }

    /// <summary>The role the agent had when it sent the check (a 487 flips the role only if it has not flipped since).</summary>
    public IceRole Role { get; init; }

    /// <summary>The PRIORITY the check carried: the priority of a peer-reflexive candidate it may discover.</summary>
    public uint Priority { get; init; }

    /// <summary>For a server binding, the server asked.</summary>
    public IPEndPoint? Server { get; init; }
}
