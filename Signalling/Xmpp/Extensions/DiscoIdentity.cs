namespace Mesh.Signalling.Xmpp.Extensions;

/// <summary>One identity from disco#info (XEP-0030): what kind of entity this is.</summary>
public sealed record DiscoIdentity(string Category, string Type, string? Name, string? Lang);
