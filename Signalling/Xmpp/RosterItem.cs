namespace Mesh.Signalling.Xmpp;

/// <summary>One roster entry (RFC 6121 section 2).</summary>
public sealed record RosterItem(Jid Jid, string? Name, string Subscription, bool PendingOut, IReadOnlyList<string> Groups);
