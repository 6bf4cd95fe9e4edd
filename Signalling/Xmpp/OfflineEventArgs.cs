namespace Mesh.Signalling.Xmpp;

/// <summary>The client lost (or closed) its connection.</summary>
public sealed class OfflineEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public OfflineEventArgs(XmppException? reason, bool willReconnect)
    {
        Reason = reason;
        WillReconnect = willReconnect;
    }

    /// <summary>Why; null when the application closed the client.</summary>
    public XmppException? Reason { get; }

    /// <summary>True when the client is going to reconnect by itself.</summary>
    public bool WillReconnect { get; }
}
