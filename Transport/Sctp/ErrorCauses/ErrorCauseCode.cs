namespace Mesh.Transport.Sctp.ErrorCauses;

/// <summary>Error cause codes carried by ABORT and ERROR (RFC 9260 section 3.3.10).</summary>
public enum ErrorCauseCode : ushort
{
    /// <summary>Invalid stream identifier.</summary>
    InvalidStreamIdentifier = 1,

    /// <summary>Missing mandatory parameter.</summary>
    MissingMandatoryParameter = 2,

    /// <summary>Stale cookie.</summary>
    StaleCookie = 3,

    /// <summary>Out of resource.</summary>
    OutOfResource = 4,

    /// <summary>Unrecognized chunk type.</summary>
    UnrecognizedChunkType = 6,

    /// <summary>Invalid mandatory parameter.</summary>
    InvalidMandatoryParameter = 7,

    /// <summary>No user data in a DATA chunk.</summary>
    NoUserData = 9,

    /// <summary>User-initiated abort.</summary>
    UserInitiatedAbort = 12,

    /// <summary>Protocol violation.</summary>
    ProtocolViolation = 13,
}
