using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;
using Mesh.Signalling.Xmpp.Connection;
using Mesh.Signalling.Xmpp.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Signalling.Xmpp;

/// <summary>
/// An XMPP client session (RFC 6120/6121) for one account resource: logs in securely, keeps presence,
/// correlates IQs, answers disco/ping/caps, and keeps the session alive across connection loss with
/// stream management (XEP-0198) and reconnects with backoff. Events are raised on the connection's
/// reader; handlers must not block.
/// </summary>
public sealed partial class XmppClient : IAsyncDisposable
{
    /// <summary>The feature namespace a Mesh peer announces in disco#info and caps.</summary>
    public const string MeshFeature = "urn:mesh:sync:0";

    private readonly XmppClientOptions _options;
    private readonly ILogger _logger;
    private readonly StreamNegotiator _negotiator;
    private readonly StreamManagementState _sm = new();
    private readonly ReconnectBackoff _backoff;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<string, PendingIq> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<XName, Func<XElement, CancellationToken, Task<XElement?>>> _iqHandlers = new();
    private readonly ConcurrentDictionary<string, IReadOnlySet<string>> _capsCache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _presenceVersions = new(StringComparer.Ordinal);
    private readonly DiscoInfo _ownInfo;
    private readonly string _ownVer;
    private XmppConnection? _connection;
    private bool _smEnabled;
    private int _state;
    private long _presenceCounter;
    private Task _background = Task.CompletedTask;

    /// <summary>Creates a client; nothing happens on the network until <see cref="ConnectAsync"/>.</summary>
    public XmppClient(XmppClientOptions options, ILogger<XmppClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _negotiator = new StreamNegotiator(options, _logger);
        _backoff = new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay, options.Random);
        var features = new HashSet<string>(StringComparer.Ordinal)
        {
            XmppNamespaces.DiscoInfo.NamespaceName,
            XmppNamespaces.DiscoItems.NamespaceName,
            XmppNamespaces.Caps.NamespaceName,
            XmppNamespaces.Ping.NamespaceName,
            MeshFeature,
        };
        features.UnionWith(options.Features);
        _ownInfo = new DiscoInfo([new DiscoIdentity("client", "pc", "Mesh", null)], features, []);
        _ownVer = EntityCapabilities.ComputeVer(_ownInfo)!;
        _capsCache[_ownVer] = features;
    }

    private enum ClientState
    {
        Idle,
        Online,
        Reconnecting,
        Closed,
    }

    /// <summary>Raised when a session is established (first login, resumption or fresh session after reconnect).</summary>
    public event EventHandler? Online;

    /// <summary>Raised when the connection is lost or closed.</summary>
    public event EventHandler<OfflineEventArgs>? Offline;

    /// <summary>Raised when a presence (of a contact's resource or one of our own) changes.</summary>
    public event EventHandler<PresenceChangedEventArgs>? PresenceChanged;

    /// <summary>Raised for every message stanza.</summary>
    public event EventHandler<MessageReceivedEventArgs>? MessageReceived;

    /// <summary>Raised when someone asks to subscribe to our presence.</summary>
    public event EventHandler<SubscriptionRequestedEventArgs>? SubscriptionRequested;

    /// <summary>Raised when the server pushes a roster change.</summary>
    public event EventHandler<RosterItem>? RosterChanged;

    /// <summary>True while a session is up.</summary>
    public bool IsOnline => (ClientState)Volatile.Read(ref _state) == ClientState.Online;

    /// <summary>What the current (or last) login negotiated.</summary>
    public XmppSessionInfo? Session { get; private set; }

    /// <summary>Our full JID in the current session.</summary>
    public Jid? BoundJid => Session?.BoundJid;

    /// <summary>The caps verification string we announce.</summary>
    public string CapsVer => _ownVer;

    /// <summary>The caps node we announce.</summary>
    public string CapsNode => _options.CapsNode;

    /// <summary>Stanzas sent but not yet acknowledged by the server (stream management).</summary>
    public int UnacknowledgedStanzas => _sm.UnackedCount;

    /// <summary>The connection in use; tests cut its TCP connection to simulate a network failure.</summary>
    internal XmppConnection? CurrentConnection => Volatile.Read(ref _connection);

    /// <summary>
    /// Logs in and goes online. Throws <see cref="XmppException"/> on failure; an authentication error is
    /// final (never retried). After a successful login the client reconnects by itself when
    /// <see cref="XmppClientOptions.AutoReconnect"/> is set.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, (int)ClientState.Reconnecting, (int)ClientState.Idle) != (int)ClientState.Idle)
        {
            throw new InvalidOperationException("ConnectAsync is called once per client");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        NegotiationResult result;
        try
        {
            result = await _negotiator.ConnectAsync(null, linked.Token).ConfigureAwait(false);
        }
        catch
        {
            Volatile.Write(ref _state, (int)ClientState.Closed);
            throw;
        }

        await OnConnectedAsync(result).ConfigureAwait(false);
        if (_options.KeepAliveInterval > TimeSpan.Zero)
        {
            _ = KeepAliveLoopAsync();
        }
    }

    /// <summary>Sends one stanza (message, presence or iq); with stream management it is re-sent after a resumption if needed.</summary>
    public async Task SendAsync(XElement stanza, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = _connection;
            if (connection is null)
            {
                // Online with no connection is the moment between losing it and deciding to reconnect.
                if (_smEnabled && _sm.Id is not null && (ClientState)Volatile.Read(ref _state) is ClientState.Reconnecting or ClientState.Online)
                {
                    // Held for the resumed (or next) session, like a stanza lost in flight.
                    _sm.OnSent(stanza);
                    return;
                }

                throw new XmppException(XmppErrorKind.NotConnected, "not connected");
            }

            if (_smEnabled)
            {
                _sm.OnSent(stanza);
            }

            try
            {
                await connection.SendAsync(stanza, cancellationToken).ConfigureAwait(false);
                if (_smEnabled)
                {
                    await connection.SendAsync(new XElement(XmppNamespaces.StreamManagement + "r"), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (XmppException e) when (_smEnabled && e.Kind == XmppErrorKind.Network)
            {
                // Kept in the unacknowledged queue; the reader notices the loss and resumption re-sends it.
                _logger.LogInformation("Send failed, stanza kept for resumption: {Reason}", e.Message);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a chat message with a body.</summary>
    public Task SendMessageAsync(Jid to, string body, string? id = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        return SendAsync(
            new XElement(
                XmppNamespaces.Client + "message",
                new XAttribute("to", to.ToString()),
                new XAttribute("type", "chat"),
                new XAttribute("id", id ?? NewId()),
                new XElement(XmppNamespaces.Client + "body", body)),
            cancellationToken);
    }

    /// <summary>
    /// Sends an IQ request and waits for its response, correlated by id and checked to come from the
    /// entity asked. An error response throws <see cref="XmppException"/> of kind StanzaError with its
    /// condition; no answer in time throws kind Timeout.
    /// </summary>
    public async Task<XElement> SendIqAsync(XElement iq, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(iq);
        var id = (string?)iq.Attribute("id");
        if (id is null)
        {
            id = NewId();
            iq.SetAttributeValue("id", id);
        }

        var pending = new PendingIq((string?)iq.Attribute("to"));
        if (!_pending.TryAdd(id, pending))
        {
            throw new InvalidOperationException($"an IQ with id {id} is already waiting");
        }

        try
        {
            await SendAsync(iq, cancellationToken).ConfigureAwait(false);
            var wait = timeout ?? _options.IqTimeout;
            XElement response;
            try
            {
                response = await pending.Completion.Task.WaitAsync(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new XmppException(XmppErrorKind.Timeout, $"no answer to the IQ within {wait.TotalSeconds:0.#} s");
            }

            if ((string?)response.Attribute("type") == "error")
            {
                var error = response.Element(XmppNamespaces.Client + "error");
                var condition = error?.Elements().FirstOrDefault(e => e.Name.Namespace == XmppNamespaces.Stanzas && e.Name.LocalName != "text")?.Name.LocalName
                    ?? "undefined-condition";
                throw new XmppException(XmppErrorKind.StanzaError, $"the IQ failed: {condition}") { Condition = condition };
            }

            return response;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Answers IQ get/set requests whose payload element is named <paramref name="payload"/>. The handler
    /// returns the result payload (or null for an empty result); throwing an <see cref="XmppException"/>
    /// with a Condition answers with that error.
    /// </summary>
    public void SetIqHandler(XName payload, Func<XElement, CancellationToken, Task<XElement?>> handler)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(handler);
        _iqHandlers[payload] = handler;
    }

    /// <summary>Closes the session cleanly (unavailable presence, stream close) and stops reconnecting.</summary>
    public async Task DisconnectAsync()
    {
        var previous = (ClientState)Interlocked.Exchange(ref _state, (int)ClientState.Closed);
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2), _options.TimeProvider);
            try
            {
                await connection.SendAsync(new XElement(XmppNamespaces.Client + "presence", new XAttribute("type", "unavailable")), grace.Token).ConfigureAwait(false);
                await connection.SendRawAsync("</stream:stream>", grace.Token).ConfigureAwait(false);

                // RFC 6120 4.4: wait (briefly) for the server to close its side. The read loop keeps
                // reading meanwhile: a socket closed with unread input sends a TCP reset, and a server
                // that gets one may discard our unavailable presence and stream close unread, then hold
                // the session for resumption (XEP-0198) while contacts still see this resource online.
                await _background.WaitAsync(grace.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception e) when (e is XmppException or OperationCanceledException)
            {
                _logger.LogDebug("Closing the stream: {Reason}", e.Message);
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        FailPending(new XmppException(XmppErrorKind.NotConnected, "the client was closed"));
        if (previous is ClientState.Online or ClientState.Reconnecting)
        {
            Offline?.Invoke(this, new OfflineEventArgs(null, willReconnect: false));
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync().ConfigureAwait(false);
        try
        {
            await _background.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected: the lifetime token ended the background work.
        }

        _lifetime.Dispose();
        _sendLock.Dispose();
    }

    private async Task OnConnectedAsync(NegotiationResult result)
    {
        var connection = result.Connection;
        Session = result.Info;
        IReadOnlyList<XElement> resend;
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (result.ResumedH is { } h)
            {
                resend = _sm.TakeForResend(h);
            }
            else
            {
                // A fresh session: only messages are worth re-sending; IQs died with the old session and
                // presence is announced anew below. What the server says it handled is not re-sent.
                if (result.FailedResumeH is { } handled)
                {
                    _sm.OnAcknowledged(handled);
                }

                resend = _sm.Reset().Where(s => s.Name == XmppNamespaces.Client + "message").ToArray();
                _sm.Id = result.Resumable ? result.StreamManagementId : null;
                _sm.BoundJid = result.Info.BoundJid;
            }

            _smEnabled = result.Info.StreamManagement;
            Volatile.Write(ref _connection, connection);
            Volatile.Write(ref _state, (int)ClientState.Online);
            if (result.ResumedH is null)
            {
                FailPending(new XmppException(XmppErrorKind.NotConnected, "the session ended before the answer came"));
            }
        }
        finally
        {
            _sendLock.Release();
        }

        _background = ReadLoopAsync(connection);
        if (result.ResumedH is null)
        {
            await SendAsync(OwnPresence()).ConfigureAwait(false);
        }

        foreach (var stanza in resend)
        {
            await SendAsync(stanza).ConfigureAwait(false);
        }

        _logger.LogInformation(
            "Online as {Jid} via {Endpoint}, {Mechanism}, stream management {Sm}, resumed {Resumed}, re-sent {Resent}",
            result.Info.BoundJid, result.Info.Endpoint, result.Info.Mechanism, result.Info.StreamManagement, result.Info.Resumed, resend.Count);
        Online?.Invoke(this, EventArgs.Empty);
    }

    private XElement OwnPresence()
    {
        var presence = new XElement(XmppNamespaces.Client + "presence");
        if (_options.Priority != 0)
        {
            presence.Add(new XElement(XmppNamespaces.Client + "priority", _options.Priority.ToString(CultureInfo.InvariantCulture)));
        }

        presence.Add(new XElement(
            XmppNamespaces.Caps + "c",
            new XAttribute("hash", "sha-1"),
            new XAttribute("node", _options.CapsNode),
            new XAttribute("ver", _ownVer)));
        return presence;
    }

    private async Task ReadLoopAsync(XmppConnection connection)
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                var element = await connection.ReadElementAsync(_lifetime.Token).ConfigureAwait(false);
                await DispatchAsync(connection, element).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Closing.
        }
        catch (XmppException e)
        {
            await OnConnectionLostAsync(connection, e).ConfigureAwait(false);
        }
    }

    private async Task OnConnectionLostAsync(XmppConnection connection, XmppException reason)
    {
        if (Interlocked.CompareExchange(ref _connection, null, connection) != connection)
        {
            return;
        }

        if (reason.Kind == XmppErrorKind.Protocol)
        {
            // RFC 6120 4.9: tell the server why before closing; best effort, the stream is broken anyway.
            _logger.LogWarning("Closing the stream: {Reason}", reason.Message);
            try
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1), _options.TimeProvider);
                await connection.SendRawAsync(
                    "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>", grace.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is XmppException or OperationCanceledException)
            {
                _logger.LogDebug("Could not send the stream error: {Reason}", e.Message);
            }
        }
        else
        {
            _logger.LogInformation("Connection lost: {Reason}", reason.Message);
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        var closed = (ClientState)Volatile.Read(ref _state) == ClientState.Closed;

        // A resource conflict means another session took our resource over; reconnecting would throw
        // it out in turn, and the two would evict each other forever.
        var replaced = reason.Kind == XmppErrorKind.StreamError && reason.Condition == "conflict";
        var reconnect = !closed && !replaced && _options.AutoReconnect;

        if (!_smEnabled || _sm.Id is null)
        {
            FailPending(new XmppException(XmppErrorKind.NotConnected, "connection lost before the answer came", reason));
        }

        if (!closed)
        {
            Volatile.Write(ref _state, (int)(reconnect ? ClientState.Reconnecting : ClientState.Closed));
        }

        Offline?.Invoke(this, new OfflineEventArgs(reason, reconnect));
        if (reconnect)
        {
            await ReconnectLoopAsync().ConfigureAwait(false);
        }
    }

    private async Task ReconnectLoopAsync()
    {
        for (var attempt = 0; !_lifetime.IsCancellationRequested; attempt++)
        {
            var delay = _backoff.Delay(attempt);
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    _logger.LogInformation("Reconnecting in {Delay} (attempt {Attempt})", delay, attempt + 1);
                    await Task.Delay(delay, _options.TimeProvider, _lifetime.Token).ConfigureAwait(false);
                }

                var result = await _negotiator.ConnectAsync(_smEnabled && _sm.Id is not null ? _sm : null, _lifetime.Token).ConfigureAwait(false);
                if (_lifetime.IsCancellationRequested)
                {
                    await result.Connection.DisposeAsync().ConfigureAwait(false);
                    return;
                }

                await OnConnectedAsync(result).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return;
            }
            catch (XmppException e) when (e.Kind is XmppErrorKind.Authentication or XmppErrorKind.Certificate)
            {
                // Credentials or the certificate changed: retrying the same ones cannot succeed.
                _logger.LogError("Giving up reconnecting: {Reason}", e.Message);
                Volatile.Write(ref _state, (int)ClientState.Closed);
                Offline?.Invoke(this, new OfflineEventArgs(e, willReconnect: false));
                return;
            }
            catch (XmppException e)
            {
                _logger.LogInformation("Reconnect attempt {Attempt} failed: {Reason}", attempt + 1, e.Message);
            }
        }
    }

    private async Task KeepAliveLoopAsync()
    {
        try
        {
            while (!_lifetime.IsCancellationRequested)
            {
                await Task.Delay(_options.KeepAliveInterval, _options.TimeProvider, _lifetime.Token).ConfigureAwait(false);
                var connection = _connection;
                if (connection is null)
                {
                    continue;
                }

                try
                {
                    await PingAsync(null, _lifetime.Token).ConfigureAwait(false);
                }
                catch (XmppException e) when (e.Kind == XmppErrorKind.Timeout)
                {
                    // A silent, dead connection: drop it so the reader notices and we reconnect.
                    _logger.LogInformation("The server did not answer a ping; dropping the connection");
                    await connection.Tcp.DisposeAsync().ConfigureAwait(false);
                }
                catch (XmppException)
                {
                    // Any answer (even an error) proves the connection is alive.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
    }

    private void FailPending(XmppException reason)
    {
        foreach (var (id, pending) in _pending)
        {
            if (_pending.TryRemove(id, out _))
            {
                pending.Completion.TrySetException(reason);
            }
        }
    }

    private string NewId()
    {
        Span<byte> bytes = stackalloc byte[9];
        _options.Random.NextBytes(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    private sealed class PendingIq
    {
        public PendingIq(string? to) => To = to;

        public string? To { get; }

        public TaskCompletionSource<XElement> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
