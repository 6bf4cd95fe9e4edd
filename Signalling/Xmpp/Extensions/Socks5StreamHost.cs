namespace Mesh.Signalling.Xmpp.Extensions;

/// <summary>A SOCKS5 bytestream proxy (XEP-0065) found through the server: its JID and where it listens.</summary>
public sealed record Socks5StreamHost(Jid Jid, string Host, int Port);
