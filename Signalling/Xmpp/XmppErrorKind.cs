namespace Mesh.Signalling.Xmpp;

/// <summary>Why an XMPP connection or request failed; callers decide on retrying from this.</summary>
public enum XmppErrorKind
{
    /// <summary>The server could not be found or reached (DNS, TCP).</summary>
    Network,

    /// <summary>The TLS handshake failed for a reason other than the certificate.</summary>
    Tls,

    /// <summary>The server's certificate was rejected; the message names the reason.</summary>
    Certificate,

    /// <summary>The server rejected the credentials. Retrying with the same ones is pointless.</summary>
    Authentication,

    /// <summary>The server broke the protocol (malformed or oversized XML, unexpected element).</summary>
    Protocol,

    /// <summary>The server closed the stream with a stream error.</summary>
    StreamError,

    /// <summary>No answer in time.</summary>
    Timeout,

    /// <summary>The server does not offer something we require (e.g. TLS, a usable SASL mechanism).</summary>
    Unsupported,

    /// <summary>The other entity answered a request with a stanza error; <see cref="XmppException.Condition"/> names it.</summary>
    StanzaError,

    /// <summary>The client is not connected.</summary>
    NotConnected,
}
