using System.Xml.Linq;

namespace Mesh.Signalling.Xmpp;

/// <summary>The XML namespaces the client speaks, in one place.</summary>
internal static class XmppNamespaces
{
    public static readonly XNamespace Stream = "http://etherx.jabber.org/streams";
    public static readonly XNamespace Client = "jabber:client";
    public static readonly XNamespace Tls = "urn:ietf:params:xml:ns:xmpp-tls";
    public static readonly XNamespace Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static readonly XNamespace Bind = "urn:ietf:params:xml:ns:xmpp-bind";
    public static readonly XNamespace Session = "urn:ietf:params:xml:ns:xmpp-session";
    public static readonly XNamespace Stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static readonly XNamespace Streams = "urn:ietf:params:xml:ns:xmpp-streams";
    public static readonly XNamespace Roster = "jabber:iq:roster";
    public static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";
    public static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";
    public static readonly XNamespace Caps = "http://jabber.org/protocol/caps";
    public static readonly XNamespace Ping = "urn:xmpp:ping";
    public static readonly XNamespace StreamManagement = "urn:xmpp:sm:3";
    public static readonly XNamespace ExtDisco2 = "urn:xmpp:extdisco:2";
    public static readonly XNamespace ExtDisco1 = "urn:xmpp:extdisco:1";
    public static readonly XNamespace Bytestreams = "http://jabber.org/protocol/bytestreams";
    public static readonly XNamespace ChannelBinding = "urn:xmpp:sasl-cb:0";
}
