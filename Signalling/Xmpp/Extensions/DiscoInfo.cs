using System.Xml.Linq;

namespace Mesh.Signalling.Xmpp.Extensions;

/// <summary>The answer to a disco#info query (XEP-0030): identities, features and extended forms (XEP-0128).</summary>
public sealed record DiscoInfo(IReadOnlyList<DiscoIdentity> Identities, IReadOnlySet<string> Features, IReadOnlyList<XElement> Forms)
{
    private static readonly XNamespace DataForms = "jabber:x:data";

    /// <summary>Reads a <c>&lt;query xmlns='http://jabber.org/protocol/disco#info'/&gt;</c> element.</summary>
    public static DiscoInfo Parse(XElement query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var ns = XmppNamespaces.DiscoInfo;
        var identities = query.Elements(ns + "identity")
            .Select(i => new DiscoIdentity(
                (string?)i.Attribute("category") ?? string.Empty,
                (string?)i.Attribute("type") ?? string.Empty,
                (string?)i.Attribute("name"),
                (string?)i.Attribute(XNamespace.Xml + "lang")))
            .ToArray();
        var features = query.Elements(ns + "feature").Select(f => (string?)f.Attribute("var")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var forms = query.Elements(DataForms + "x").Where(x => (string?)x.Attribute("type") == "result").ToArray();
        return new DiscoInfo(identities, features, forms);
    }

    /// <summary>Writes this as a disco#info query element (for answering), with an optional node.</summary>
    public XElement ToQuery(string? node)
    {
        var ns = XmppNamespaces.DiscoInfo;
        var query = new XElement(ns + "query");
        if (node is not null)
        {
            query.SetAttributeValue("node", node);
        }

        foreach (var identity in Identities)
        {
            var element = new XElement(ns + "identity", new XAttribute("category", identity.Category), new XAttribute("type", identity.Type));
            if (identity.Name is not null)
            {
                element.SetAttributeValue("name", identity.Name);
            }

            if (identity.Lang is not null)
            {
                element.SetAttributeValue(XNamespace.Xml + "lang", identity.Lang);
            }

            query.Add(element);
        }

        foreach (var feature in Features.Order(StringComparer.Ordinal))
        {
            query.Add(new XElement(ns + "feature", new XAttribute("var", feature)));
        }

        foreach (var form in Forms)
        {
            query.Add(new XElement(form));
        }

        return query;
    }
}
