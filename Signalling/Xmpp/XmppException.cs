namespace Mesh.Signalling.Xmpp;

/// <summary>The one exception type of the XMPP layer: every failure the network can cause ends up as one.</summary>
public sealed class XmppException : Exception
{
    /// <summary>Creates an exception of the given kind.</summary>
    public XmppException(XmppErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>Creates a protocol error.</summary>
    public XmppException()
        : this(XmppErrorKind.Protocol, "XMPP protocol error")
    {
    }

    /// <summary>Creates a protocol error with a message.</summary>
    public XmppException(string message)
        : this(XmppErrorKind.Protocol, message)
    {
    }

    /// <summary>Creates a protocol error with a message and cause.</summary>
    public XmppException(string message, Exception innerException)
        : this(XmppErrorKind.Protocol, message, innerException)
    {
    }

    /// <summary>What went wrong, for the caller's retry decision.</summary>
    public XmppErrorKind Kind { get; }

    /// <summary>The defined condition the server named (stream error, SASL failure or stanza error), if any.</summary>
    public string? Condition { get; init; }
}
