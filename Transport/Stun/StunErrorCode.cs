namespace Mesh.Transport.Stun;

/// <summary>The ERROR-CODE attribute: a code from 300 to 699 and a reason phrase.</summary>
/// <param name="Code">The code, e.g. 401.</param>
/// <param name="Reason">The reason phrase (UTF-8 on the wire, at most 127 characters).</param>
public readonly record struct StunErrorCode(int Code, string Reason)
{
    /// <summary>300 Try Alternate.</summary>
    public const int TryAlternate = 300;

    /// <summary>400 Bad Request.</summary>
    public const int BadRequest = 400;

    /// <summary>401 Unauthenticated.</summary>
    public const int Unauthenticated = 401;

    /// <summary>403 Forbidden.</summary>
    public const int Forbidden = 403;

    /// <summary>420 Unknown Attribute.</summary>
    public const int UnknownAttribute = 420;

    /// <summary>437 Allocation Mismatch (TURN).</summary>
    public const int AllocationMismatch = 437;

    /// <summary>438 Stale Nonce.</summary>
    public const int StaleNonce = 438;

    /// <summary>440 Address Family not Supported (TURN).</summary>
    public const int AddressFamilyNotSupported = 440;

    /// <summary>441 Wrong Credentials (TURN).</summary>
    public const int WrongCredentials = 441;

    /// <summary>442 Unsupported Transport Protocol (TURN).</summary>
    public const int UnsupportedTransportProtocol = 442;

    /// <summary>443 Peer Address Family Mismatch (TURN).</summary>
    public const int PeerAddressFamilyMismatch = 443;

    /// <summary>486 Allocation Quota Reached (TURN).</summary>
    public const int AllocationQuotaReached = 486;

    /// <summary>487 Role Conflict (ICE).</summary>
    public const int RoleConflict = 487;

    /// <summary>500 Server Error.</summary>
    public const int ServerError = 500;

    /// <summary>508 Insufficient Capacity (TURN).</summary>
    public const int InsufficientCapacity = 508;

    /// <inheritdoc/>
    public override string ToString() => $"{Code} {Reason}";
}
