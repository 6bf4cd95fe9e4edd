namespace Mesh.Transport.Turn;

/// <summary>How the client reaches the TURN server (RFC 8656 section 3.1). The relayed side is always UDP.</summary>
public enum TurnTransport
{
    /// <summary>UDP to the server.</summary>
    Udp,

    /// <summary>TCP to the server: through firewalls that block UDP.</summary>
    Tcp,
}
