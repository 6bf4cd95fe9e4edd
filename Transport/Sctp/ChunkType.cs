namespace Mesh.Transport.Sctp;

/// <summary>SCTP chunk types (RFC 9260 section 3.2, RFC 3758, RFC 6525).</summary>
public enum ChunkType : byte
{
    /// <summary>User data.</summary>
    Data = 0,

    /// <summary>Initiation.</summary>
    Init = 1,

    /// <summary>Initiation acknowledgement.</summary>
    InitAck = 2,

    /// <summary>Selective acknowledgement.</summary>
    Sack = 3,

    /// <summary>Heartbeat request.</summary>
    Heartbeat = 4,

    /// <summary>Heartbeat acknowledgement.</summary>
    HeartbeatAck = 5,

    /// <summary>Abort.</summary>
    Abort = 6,

    /// <summary>Shutdown.</summary>
    Shutdown = 7,

    /// <summary>Shutdown acknowledgement.</summary>
    ShutdownAck = 8,

    /// <summary>Operation error.</summary>
    Error = 9,

    /// <summary>State cookie.</summary>
    CookieEcho = 10,

    /// <summary>Cookie acknowledgement.</summary>
    CookieAck = 11,

    /// <summary>Shutdown complete.</summary>
    ShutdownComplete = 14,

    /// <summary>Stream re-configuration (RFC 6525).</summary>
    Reconfig = 130,

    /// <summary>Forward cumulative TSN (RFC 3758).</summary>
    ForwardTsn = 192,
}
