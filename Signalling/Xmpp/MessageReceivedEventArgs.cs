using System.Xml.Linq;

namespace Mesh.Signalling.Xmpp;

/// <summary>A message stanza arrived.</summary>
public sealed class MessageReceivedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public MessageReceivedEventArgs(Jid? from, string? id, string? body, XElement stanza)
    {
        From = from;
        Id = id;
        Body = body;
        Stanza = stanza;
    }

    /// <summary>The sender.</summary>
    public Jid? From { get; }

    /// <summary>The stanza's id attribute.</summary>
    public string? Id { get; }

    /// <summary>The text body, if any.</summary>
    public string? Body { get; }

    /// <summary>The whole stanza, for extension payloads.</summary>
    public XElement Stanza { get; }
}
