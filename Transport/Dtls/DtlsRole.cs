namespace Mesh.Transport.Dtls;

/// <summary>Which side of the DTLS handshake this endpoint plays; SDP's <c>a=setup</c> decides it.</summary>
public enum DtlsRole
{
    /// <summary>Sends the ClientHello (<c>a=setup:active</c>).</summary>
    Client,

    /// <summary>Waits for the ClientHello (<c>a=setup:passive</c>).</summary>
    Server,
}
