namespace Mesh.Integration.Xmpp;

/// <summary>
/// The XMPP tests share the harness's servers, and one of them restarts Prosody; they run one at a time
/// so a restart never pulls the server from under another test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class XmppServerCollection
{
    public const string Name = "XMPP servers";
}
