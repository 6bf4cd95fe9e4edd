using System.Globalization;
using System.Xml.Linq;
using Mesh.Signalling.Xmpp.Connection;
using Mesh.Signalling.Xmpp.Extensions;
using Microsoft.Extensions.Logging;

namespace Mesh.Signalling.Xmpp;

/// <summary>Incoming stanzas: stream management nonzas, IQ routing and answers, presence and messages.</summary>
public sealed partial class XmppClient
{
    private async Task DispatchAsync(XmppConnection connection, XElement element)
    {
        if (element.Name.Namespace == XmppNamespaces.StreamManagement)
        {
            await OnStreamManagementAsync(connection, element).ConfigureAwait(false);
            return;
        }

        if (element.Name.Namespace != XmppNamespaces.Client)
        {
            _logger.LogDebug("Ignoring <{Element}> in {Namespace}", element.Name.LocalName, element.Name.NamespaceName);
            return;
        }

        if (element.Name.LocalName is "message" or "presence" or "iq" && _smEnabled)
        {
            _sm.OnReceived();
        }

        switch (element.Name.LocalName)
        {
            case "iq":
                await OnIqAsync(element).ConfigureAwait(false);
                break;
            case "presence":
                OnPresence(element);
                break;
            case "message":
                Jid.TryParse((string?)element.Attribute("from"), out var from);
                MessageReceived?.Invoke(this, new MessageReceivedEventArgs(from, (string?)element.Attribute("id"), (string?)element.Element(XmppNamespaces.Client + "body"), element));
                break;
            default:
                _logger.LogDebug("Ignoring unknown stanza <{Element}>", element.Name.LocalName);
                break;
        }
    }

    private async Task OnStreamManagementAsync(XmppConnection connection, XElement element)
    {
        switch (element.Name.LocalName)
        {
            case "r":
                await connection.SendAsync(
                    new XElement(XmppNamespaces.StreamManagement + "a", new XAttribute("h", _sm.InboundHandled.ToString(CultureInfo.InvariantCulture))),
                    _lifetime.Token).ConfigureAwait(false);
                break;
            case "a" when uint.TryParse((string?)element.Attribute("h"), NumberStyles.None, CultureInfo.InvariantCulture, out var h):
                _sm.OnAcknowledged(h);
                break;
            default:
                _logger.LogDebug("Ignoring stream management <{Element}>", element.Name.LocalName);
                break;
        }
    }

    private async Task OnIqAsync(XElement iq)
    {
        var type = (string?)iq.Attribute("type");
        var id = (string?)iq.Attribute("id");
        if (type is "result" or "error")
        {
            if (id is not null && _pending.TryGetValue(id, out var pending) && IsFromExpected(pending.To, (string?)iq.Attribute("from")))
            {
                pending.Completion.TrySetResult(iq);
            }
            else
            {
                _logger.LogDebug("Dropping an IQ response nobody waits for (id {Id})", id);
            }

            return;
        }

        if (type is not ("get" or "set") || id is null || iq.Elements().Count() != 1)
        {
            // RFC 6120 8.2.3: a request has exactly one payload; answer malformed ones with bad-request.
            if (type is "get" or "set" && id is not null)
            {
                await ReplyErrorAsync(iq, "modify", "bad-request").ConfigureAwait(false);
            }

            return;
        }

        var payload = iq.Elements().First();
        var handler = BuiltInHandler(payload, type) ?? (_iqHandlers.TryGetValue(payload.Name, out var custom) ? custom : null);
        if (handler is null)
        {
            await ReplyErrorAsync(iq, "cancel", "service-unavailable").ConfigureAwait(false);
            return;
        }

        // Handlers may send IQs of their own; they run beside the reader so they cannot deadlock it.
        _ = RunHandlerAsync(iq, payload, handler);
    }

    private async Task RunHandlerAsync(XElement iq, XElement payload, Func<XElement, CancellationToken, Task<XElement?>> handler)
    {
        try
        {
            var result = await handler(iq, _lifetime.Token).ConfigureAwait(false);
            var reply = Reply(iq, "result");
            if (result is not null)
            {
                reply.Add(result);
            }

            await SendAsync(reply, _lifetime.Token).ConfigureAwait(false);
        }
        catch (XmppException e) when (e.Condition is not null && e.Kind == XmppErrorKind.StanzaError)
        {
            await TryReplyErrorAsync(iq, "cancel", e.Condition).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning(e, "The handler for <{Payload}> failed", payload.Name);
            await TryReplyErrorAsync(iq, "wait", "internal-server-error").ConfigureAwait(false);
        }
    }

    private async Task TryReplyErrorAsync(XElement iq, string type, string condition)
    {
        try
        {
            await ReplyErrorAsync(iq, type, condition).ConfigureAwait(false);
        }
        catch (XmppException e)
        {
            _logger.LogDebug("Could not send an error reply: {Reason}", e.Message);
        }
    }

    private Task ReplyErrorAsync(XElement iq, string type, string condition)
    {
        var reply = Reply(iq, "error");
        reply.Add(new XElement(
            XmppNamespaces.Client + "error",
            new XAttribute("type", type),
            new XElement(XmppNamespaces.Stanzas + condition)));
        return SendAsync(reply, _lifetime.Token);
    }

    private static XElement Reply(XElement iq, string type)
    {
        var reply = new XElement(XmppNamespaces.Client + "iq", new XAttribute("type", type), new XAttribute("id", (string?)iq.Attribute("id") ?? string.Empty));
        if ((string?)iq.Attribute("from") is { } from)
        {
            reply.SetAttributeValue("to", from);
        }

        return reply;
    }

    private Func<XElement, CancellationToken, Task<XElement?>>? BuiltInHandler(XElement payload, string type)
    {
        if (payload.Name == XmppNamespaces.DiscoInfo + "query" && type == "get")
        {
            return (_, _) => Task.FromResult(AnswerDiscoInfo(payload));
        }

        if (payload.Name == XmppNamespaces.DiscoItems + "query" && type == "get")
        {
            return (_, _) => Task.FromResult<XElement?>((string?)payload.Attribute("node") is null
                ? new XElement(XmppNamespaces.DiscoItems + "query")
                : throw new XmppException(XmppErrorKind.StanzaError, "unknown node") { Condition = "item-not-found" });
        }

        if (payload.Name == XmppNamespaces.Ping + "ping" && type == "get")
        {
            return (_, _) => Task.FromResult<XElement?>(null);
        }

        if (payload.Name == XmppNamespaces.Roster + "query" && type == "set")
        {
            return (iq, _) => Task.FromResult(OnRosterPush(iq, payload));
        }

        return null;
    }

    private XElement? AnswerDiscoInfo(XElement query)
    {
        var node = (string?)query.Attribute("node");
        if (node is not null && node != _options.CapsNode + "#" + _ownVer)
        {
            throw new XmppException(XmppErrorKind.StanzaError, "unknown node") { Condition = "item-not-found" };
        }

        return _ownInfo.ToQuery(node);
    }

    private XElement? OnRosterPush(XElement iq, XElement query)
    {
        // RFC 6121 2.1.6: only the server (no from, or our bare JID) may push roster changes.
        var from = (string?)iq.Attribute("from");
        if (from is not null && (BoundJid is null || !Jid.TryParse(from, out var sender) || sender != BoundJid.Bare))
        {
            throw new XmppException(XmppErrorKind.StanzaError, "roster push from a stranger") { Condition = "service-unavailable" };
        }

        foreach (var item in RosterParser.Parse(query))
        {
            RosterChanged?.Invoke(this, item);
        }

        return null;
    }

    private bool IsFromExpected(string? to, string? from)
    {
        // RFC 6120 10.1: the answer must come from the entity asked; for requests to the server or our
        // own account, the server may answer with no from, our bare JID or its domain.
        var self = BoundJid;
        if (to is null)
        {
            return from is null || (self is not null && Jid.TryParse(from, out var f) && (f == self.Bare || f == self || f.ToString() == self.Domain));
        }

        if (from is null)
        {
            return self is not null && Jid.TryParse(to, out var t) && (t == self.Bare || t == self);
        }

        return Jid.TryParse(to, out var expected) && Jid.TryParse(from, out var actual) && expected == actual;
    }

    private void OnPresence(XElement presence)
    {
        var type = (string?)presence.Attribute("type");
        if (!Jid.TryParse((string?)presence.Attribute("from"), out var from))
        {
            return;
        }

        switch (type)
        {
            case null or "unavailable":
                break;
            case "subscribe":
                SubscriptionRequested?.Invoke(this, new SubscriptionRequestedEventArgs(from.Bare));
                return;
            default:
                _logger.LogDebug("Presence of type {Type} from {From}", type, from);
                return;
        }

        var available = type is null;
        var version = Interlocked.Increment(ref _presenceCounter);
        _presenceVersions[from.ToString()] = version;
        var priority = int.TryParse((string?)presence.Element(XmppNamespaces.Client + "priority"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p) ? p : 0;
        var show = (string?)presence.Element(XmppNamespaces.Client + "show");
        var caps = presence.Element(XmppNamespaces.Caps + "c");
        if (!available || caps is null || (string?)caps.Attribute("hash") != "sha-1" || (string?)caps.Attribute("ver") is not { } ver || (string?)caps.Attribute("node") is not { } node)
        {
            PresenceChanged?.Invoke(this, new PresenceChangedEventArgs(from, available, priority, show, new HashSet<string>()));
            return;
        }

        if (_capsCache.TryGetValue(ver, out var known))
        {
            PresenceChanged?.Invoke(this, new PresenceChangedEventArgs(from, available, priority, show, known));
            return;
        }

        _ = ResolveCapsAsync(from, version, priority, show, node, ver);
    }

    private async Task ResolveCapsAsync(Jid from, long version, int priority, string? show, string node, string ver)
    {
        IReadOnlySet<string> features = new HashSet<string>();
        try
        {
            var info = await DiscoverInfoAsync(from, node + "#" + ver, _lifetime.Token).ConfigureAwait(false);
            if (EntityCapabilities.ComputeVer(info) == ver)
            {
                _capsCache[ver] = info.Features;
                features = info.Features;
            }
            else
            {
                _logger.LogInformation("Caps of {From} do not match their disco#info; not cached", from);
                features = info.Features;
            }
        }
        catch (XmppException e)
        {
            _logger.LogDebug("Could not query the caps of {From}: {Reason}", from, e.Message);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // A newer presence from the same resource (e.g. it went offline meanwhile) wins.
        if (_presenceVersions.TryGetValue(from.ToString(), out var latest) && latest == version)
        {
            PresenceChanged?.Invoke(this, new PresenceChangedEventArgs(from, true, priority, show, features));
        }
    }
}
