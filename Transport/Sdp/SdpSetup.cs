namespace Mesh.Transport.Sdp;

/// <summary>The <c>a=setup</c> attribute (RFC 4145, RFC 8842): which side starts the DTLS handshake.</summary>
public enum SdpSetup
{
    /// <summary>Either; an offer says this and lets the answer decide.</summary>
    ActPass,

    /// <summary>This side is the DTLS client.</summary>
    Active,

    /// <summary>This side is the DTLS server.</summary>
    Passive,
}
