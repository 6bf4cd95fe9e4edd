namespace Mesh.Transport.Ice;

/// <summary>What a STUN request the agent sent was for, which decides how its response or timeout is handled.</summary>
internal enum IceTransactionKind
{
    /// <summary>An ordinary, triggered or nominating connectivity check.</summary>
    Check,

    /// <summary>A consent-freshness check on the selected pair (RFC 7675).</summary>
    Consent,

    /// <summary>A Binding request to a STUN server, for a server-reflexive candidate.</summary>
    ServerBinding,
}
