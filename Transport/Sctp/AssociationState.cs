namespace Mesh.Transport.Sctp;

/// <summary>The states of an SCTP association (RFC 9260 section 4).</summary>
public enum AssociationState
{
    /// <summary>No association; an incoming INIT is answered statelessly.</summary>
    Closed,

    /// <summary>INIT sent, waiting for INIT ACK.</summary>
    CookieWait,

    /// <summary>COOKIE ECHO sent, waiting for COOKIE ACK.</summary>
    CookieEchoed,

    /// <summary>Data flows both ways.</summary>
    Established,

    /// <summary>The user asked to shut down; waiting for outstanding data to be acknowledged.</summary>
    ShutdownPending,

    /// <summary>SHUTDOWN sent.</summary>
    ShutdownSent,

    /// <summary>SHUTDOWN received; finishing outstanding data.</summary>
    ShutdownReceived,

    /// <summary>SHUTDOWN ACK sent.</summary>
    ShutdownAckSent,

    /// <summary>Ended, gracefully or not; terminal.</summary>
    Terminated,
}
