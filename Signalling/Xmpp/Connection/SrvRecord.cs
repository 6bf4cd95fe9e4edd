namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>One DNS SRV record (RFC 2782).</summary>
internal sealed record SrvRecord(string Target, int Port, int Priority, int Weight);
