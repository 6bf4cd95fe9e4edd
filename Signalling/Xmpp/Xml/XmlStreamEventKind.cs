namespace Mesh.Signalling.Xmpp.Xml;

/// <summary>What the stream parser found.</summary>
internal enum XmlStreamEventKind
{
    /// <summary>The peer's stream header; the element carries its attributes and no children.</summary>
    StreamOpened,

    /// <summary>One complete first-level element (a stanza or a nonza such as features or an SM ack).</summary>
    Element,

    /// <summary>The peer closed its stream (<c>&lt;/stream:stream&gt;</c>).</summary>
    StreamClosed,
}
