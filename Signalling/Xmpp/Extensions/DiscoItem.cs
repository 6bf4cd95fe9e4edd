namespace Mesh.Signalling.Xmpp.Extensions;

/// <summary>One item from disco#items (XEP-0030): an entity associated with the one asked.</summary>
public sealed record DiscoItem(Jid Jid, string? Node, string? Name);
