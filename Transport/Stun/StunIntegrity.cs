namespace Mesh.Transport.Stun;

/// <summary>Which message-integrity attributes to write.</summary>
[Flags]
public enum StunIntegrity
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>MESSAGE-INTEGRITY (HMAC-SHA1), what ICE and TURN servers expect today.</summary>
    Sha1 = 1,

    /// <summary>MESSAGE-INTEGRITY-SHA256.</summary>
    Sha256 = 2,
}
