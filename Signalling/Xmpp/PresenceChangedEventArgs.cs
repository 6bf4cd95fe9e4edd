namespace Mesh.Signalling.Xmpp;

/// <summary>A contact's resource (or one of our own) came online, changed, or went offline.</summary>
public sealed class PresenceChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public PresenceChangedEventArgs(Jid from, bool available, int priority, string? show, IReadOnlySet<string> features)
    {
        From = from;
        Available = available;
        Priority = priority;
        Show = show;
        Features = features;
    }

    /// <summary>The full JID whose presence changed.</summary>
    public Jid From { get; }

    /// <summary>True when it is available, false when it went offline.</summary>
    public bool Available { get; }

    /// <summary>Its presence priority.</summary>
    public int Priority { get; }

    /// <summary>Its <c>show</c> value (away, dnd, …), null for plain available.</summary>
    public string? Show { get; }

    /// <summary>Its features from entity capabilities (XEP-0115), verified; empty when unknown or offline.</summary>
    public IReadOnlySet<string> Features { get; }
}
