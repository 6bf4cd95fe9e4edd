namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>
/// A logged-in connection: the session facts, and the stream management outcome (a new SM session
/// with its id, or the h value the server acknowledged when it resumed ours).
/// </summary>
internal sealed record NegotiationResult(XmppConnection Connection, XmppSessionInfo Info, string? StreamManagementId, bool Resumable, uint? ResumedH);
