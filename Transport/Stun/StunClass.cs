namespace Mesh.Transport.Stun;

/// <summary>The class of a STUN message (RFC 8489 section 5): the two C bits of the message type.</summary>
public enum StunClass
{
    /// <summary>A request, answered by a success or error response.</summary>
    Request = 0,

    /// <summary>An indication: no response is sent.</summary>
    Indication = 1,

    /// <summary>A success response.</summary>
    SuccessResponse = 2,

    /// <summary>An error response, carrying ERROR-CODE.</summary>
    ErrorResponse = 3,
}
