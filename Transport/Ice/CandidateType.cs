namespace Mesh.Transport.Ice;

/// <summary>Where an ICE candidate's address comes from (RFC 8445 section 5.1.1).</summary>
public enum CandidateType
{
    /// <summary>An address of one of the host's own interfaces ("host").</summary>
    Host,

    /// <summary>The address a STUN server saw our host candidate come from, i.e. our NAT's mapping ("srflx").</summary>
    ServerReflexive,

    /// <summary>An address learnt from a connectivity check rather than from signalling or a server ("prflx").</summary>
    PeerReflexive,

    /// <summary>An address on a TURN server that relays for us ("relay").</summary>
    Relayed,
}
