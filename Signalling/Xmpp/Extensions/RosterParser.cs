using System.Xml.Linq;

namespace Mesh.Signalling.Xmpp.Extensions;

/// <summary>Reads roster items (RFC 6121 section 2.1) from a <c>jabber:iq:roster</c> query.</summary>
internal static class RosterParser
{
    public static IReadOnlyList<RosterItem> Parse(XElement query)
    {
        var ns = XmppNamespaces.Roster;
        var items = new List<RosterItem>();
        foreach (var item in query.Elements(ns + "item"))
        {
            if (!Jid.TryParse((string?)item.Attribute("jid"), out var jid))
            {
                continue;
            }

            items.Add(new RosterItem(
                jid,
                (string?)item.Attribute("name"),
                (string?)item.Attribute("subscription") ?? "none",
                (string?)item.Attribute("ask") == "subscribe",
                item.Elements(ns + "group").Select(g => g.Value).ToArray()));
        }

        return items;
    }
}
