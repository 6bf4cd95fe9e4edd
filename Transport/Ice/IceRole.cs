namespace Mesh.Transport.Ice;

/// <summary>An ICE agent's role (RFC 8445 section 6.1.1): the controlling agent nominates; the controlled agent follows.</summary>
public enum IceRole
{
    /// <summary>Chooses the pair and nominates it with USE-CANDIDATE (in Jingle: the initiator).</summary>
    Controlling,

    /// <summary>Accepts the controlling agent's nomination (in Jingle: the responder).</summary>
    Controlled,
}
