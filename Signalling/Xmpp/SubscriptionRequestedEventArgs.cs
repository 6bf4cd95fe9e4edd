namespace Mesh.Signalling.Xmpp;

/// <summary>Someone asked to see our presence; answer with <see cref="XmppClient.ApproveSubscriptionAsync"/> or ignore.</summary>
public sealed class SubscriptionRequestedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public SubscriptionRequestedEventArgs(Jid from) => From = from;

    /// <summary>The bare JID asking.</summary>
    public Jid From { get; }
}
