namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>
/// A logged-in connection: the session facts, and the stream management outcome (a new SM session
/// with its id, or the h value the server acknowledged when it resumed ours). When resumption failed,
/// <see cref="FailedResumeH"/> is the h the server may report in its failure, so stanzas it did get
/// are not sent twice.
/// </summary>
internal sealed record NegotiationResult(XmppConnection Connection, XmppSessionInfo Info, string? StreamManagementId, bool Resumable, uint? ResumedH, uint? FailedResumeH = null);
