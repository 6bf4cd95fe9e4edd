namespace Mesh.Transport.Sctp.Parameters;

/// <summary>The parameter types Mesh reads or writes (RFC 9260 section 3.3.2.1, RFC 3758, RFC 5061, RFC 6525).</summary>
public enum ParameterType : ushort
{
    /// <summary>Heartbeat Info, opaque to the receiver.</summary>
    HeartbeatInfo = 1,

    /// <summary>State Cookie, in INIT ACK.</summary>
    StateCookie = 7,

    /// <summary>Unrecognized Parameter, in INIT ACK.</summary>
    UnrecognizedParameter = 8,

    /// <summary>Outgoing SSN Reset Request (RFC 6525).</summary>
    OutgoingSsnResetRequest = 13,

    /// <summary>Incoming SSN Reset Request (RFC 6525).</summary>
    IncomingSsnResetRequest = 14,

    /// <summary>Re-configuration Response (RFC 6525).</summary>
    ReconfigResponse = 16,

    /// <summary>Supported Extensions (RFC 5061): the chunk types the sender understands.</summary>
    SupportedExtensions = 0x8008,

    /// <summary>Forward-TSN-Supported (RFC 3758).</summary>
    ForwardTsnSupported = 0xC000,
}
