using System.Xml.Linq;
using Mesh.Signalling.Xmpp.Extensions;

namespace Mesh.Signalling.Xmpp;

/// <summary>Requests: roster, subscriptions, presence, disco, ping, external services, SOCKS5 proxy.</summary>
public sealed partial class XmppClient
{
    /// <summary>Fetches the roster (RFC 6121 2.1.3).</summary>
    public async Task<IReadOnlyList<RosterItem>> GetRosterAsync(CancellationToken cancellationToken = default)
    {
        var result = await SendIqAsync(Iq("get", null, new XElement(XmppNamespaces.Roster + "query")), null, cancellationToken).ConfigureAwait(false);
        var query = result.Element(XmppNamespaces.Roster + "query");
        return query is null ? [] : RosterParser.Parse(query);
    }

    /// <summary>Adds or updates a roster item (RFC 6121 2.3); the server confirms with a roster push.</summary>
    public Task SetRosterItemAsync(Jid contact, string? name = null, IReadOnlyList<string>? groups = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var item = new XElement(XmppNamespaces.Roster + "item", new XAttribute("jid", contact.Bare.ToString()));
        if (name is not null)
        {
            item.SetAttributeValue("name", name);
        }

        foreach (var group in groups ?? [])
        {
            item.Add(new XElement(XmppNamespaces.Roster + "group", group));
        }

        return SendIqAsync(Iq("set", null, new XElement(XmppNamespaces.Roster + "query", item)), null, cancellationToken);
    }

    /// <summary>Removes a contact from the roster, cancelling subscriptions both ways (RFC 6121 2.5).</summary>
    public Task RemoveRosterItemAsync(Jid contact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return SendIqAsync(
            Iq("set", null, new XElement(XmppNamespaces.Roster + "query", new XElement(XmppNamespaces.Roster + "item", new XAttribute("jid", contact.Bare.ToString()), new XAttribute("subscription", "remove")))),
            null,
            cancellationToken);
    }

    /// <summary>Asks <paramref name="contact"/> to share its presence with us.</summary>
    public Task SubscribeAsync(Jid contact, CancellationToken cancellationToken = default) => SendPresenceTypeAsync(contact, "subscribe", cancellationToken);

    /// <summary>Lets <paramref name="contact"/> see our presence (answers its subscription request).</summary>
    public Task ApproveSubscriptionAsync(Jid contact, CancellationToken cancellationToken = default) => SendPresenceTypeAsync(contact, "subscribed", cancellationToken);

    /// <summary>Announces our presence again, e.g. with another show value (away, dnd, xa, chat) or none.</summary>
    public Task SetPresenceAsync(string? show = null, CancellationToken cancellationToken = default)
    {
        var presence = OwnPresence();
        if (show is not null)
        {
            presence.AddFirst(new XElement(XmppNamespaces.Client + "show", show));
        }

        return SendAsync(presence, cancellationToken);
    }

    /// <summary>Asks an entity what it is and supports (XEP-0030); <paramref name="to"/> null asks our server.</summary>
    public async Task<DiscoInfo> DiscoverInfoAsync(Jid? to, string? node = null, CancellationToken cancellationToken = default)
    {
        var query = new XElement(XmppNamespaces.DiscoInfo + "query");
        if (node is not null)
        {
            query.SetAttributeValue("node", node);
        }

        var result = await SendIqAsync(Iq("get", to ?? ServerJid(), query), null, cancellationToken).ConfigureAwait(false);
        return DiscoInfo.Parse(result.Element(XmppNamespaces.DiscoInfo + "query") ?? new XElement(XmppNamespaces.DiscoInfo + "query"));
    }

    /// <summary>Lists the items of an entity (XEP-0030); <paramref name="to"/> null asks our server.</summary>
    public async Task<IReadOnlyList<DiscoItem>> DiscoverItemsAsync(Jid? to, string? node = null, CancellationToken cancellationToken = default)
    {
        var query = new XElement(XmppNamespaces.DiscoItems + "query");
        if (node is not null)
        {
            query.SetAttributeValue("node", node);
        }

        var result = await SendIqAsync(Iq("get", to ?? ServerJid(), query), null, cancellationToken).ConfigureAwait(false);
        return result.Element(XmppNamespaces.DiscoItems + "query")?.Elements(XmppNamespaces.DiscoItems + "item")
            .Select(i => Jid.TryParse((string?)i.Attribute("jid"), out var jid) ? new DiscoItem(jid, (string?)i.Attribute("node"), (string?)i.Attribute("name")) : null)
            .OfType<DiscoItem>()
            .ToArray() ?? [];
    }

    /// <summary>Pings an entity (XEP-0199), our server when <paramref name="to"/> is null; returns the round-trip time.</summary>
    public async Task<TimeSpan> PingAsync(Jid? to, CancellationToken cancellationToken = default)
    {
        var start = _options.TimeProvider.GetTimestamp();
        await SendIqAsync(Iq("get", to ?? ServerJid(), new XElement(XmppNamespaces.Ping + "ping")), null, cancellationToken).ConfigureAwait(false);
        return _options.TimeProvider.GetElapsedTime(start);
    }

    /// <summary>
    /// Asks the server for its STUN/TURN services with credentials (XEP-0215): <c>urn:xmpp:extdisco:2</c>
    /// first, then the older <c>:1</c> namespace that some servers still answer only.
    /// </summary>
    public async Task<IReadOnlyList<ExternalService>> DiscoverExternalServicesAsync(CancellationToken cancellationToken = default)
    {
        XmppException? last = null;
        foreach (var ns in new[] { XmppNamespaces.ExtDisco2, XmppNamespaces.ExtDisco1 })
        {
            try
            {
                var result = await SendIqAsync(Iq("get", ServerJid(), new XElement(ns + "services")), null, cancellationToken).ConfigureAwait(false);
                var services = result.Element(ns + "services");
                if (services is not null)
                {
                    return ExternalServiceParser.Parse(services);
                }
            }
            catch (XmppException e) when (e.Kind == XmppErrorKind.StanzaError)
            {
                last = e;
            }
        }

        return last is null ? [] : throw last;
    }

    /// <summary>
    /// Finds the server's SOCKS5 bytestream proxy (XEP-0065 section 4): the server's items that identify
    /// as proxy/bytestreams, then the streamhost the proxy gives out. Null when there is none.
    /// </summary>
    public async Task<Socks5StreamHost?> DiscoverProxyAsync(CancellationToken cancellationToken = default)
    {
        foreach (var item in await DiscoverItemsAsync(null, null, cancellationToken).ConfigureAwait(false))
        {
            DiscoInfo info;
            try
            {
                info = await DiscoverInfoAsync(item.Jid, item.Node, cancellationToken).ConfigureAwait(false);
            }
            catch (XmppException e) when (e.Kind is XmppErrorKind.StanzaError or XmppErrorKind.Timeout)
            {
                continue;
            }

            if (!info.Identities.Any(i => i.Category == "proxy" && i.Type == "bytestreams"))
            {
                continue;
            }

            var result = await SendIqAsync(Iq("get", item.Jid, new XElement(XmppNamespaces.Bytestreams + "query")), null, cancellationToken).ConfigureAwait(false);
            var host = result.Element(XmppNamespaces.Bytestreams + "query")?.Element(XmppNamespaces.Bytestreams + "streamhost");
            if (host is not null && Jid.TryParse((string?)host.Attribute("jid"), out var jid) && (string?)host.Attribute("host") is { } address
                && int.TryParse((string?)host.Attribute("port"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
            {
                return new Socks5StreamHost(jid, address, port);
            }
        }

        return null;
    }

    private Task SendPresenceTypeAsync(Jid contact, string type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return SendAsync(new XElement(XmppNamespaces.Client + "presence", new XAttribute("to", contact.Bare.ToString()), new XAttribute("type", type)), cancellationToken);
    }

    private Jid ServerJid() => Jid.Parse(_options.Jid.Domain);

    private static XElement Iq(string type, Jid? to, XElement payload)
    {
        var iq = new XElement(XmppNamespaces.Client + "iq", new XAttribute("type", type), payload);
        if (to is not null)
        {
            iq.SetAttributeValue("to", to.ToString());
        }

        return iq;
    }
}
