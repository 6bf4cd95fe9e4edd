using System.Xml.Linq;

namespace Mesh.Signalling.Xmpp.Xml;

/// <summary>One event from <see cref="XmppStreamParser"/>.</summary>
internal readonly record struct XmlStreamEvent(XmlStreamEventKind Kind, XElement? Element);
