using System.Net;
using System.Net.Sockets;
using Mesh.Peer.Identity;
using Mesh.Peer.Sync;
using Mesh.Transport.Net;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Links;

/// <summary>
/// Keeps one direct TLS link per configured peer: listens on a TCP endpoint, dials every peer that has
/// an address (again and again, with backoff and jitter, while it is not connected) and hands each
/// established link to a callback, which runs it (normally <c>SyncEngine.RunLinkAsync</c>). Incoming
/// devices that are not configured peers are refused. When both sides dial at once, both keep the
/// connection dialled by the lower device ID, so exactly one survives on both ends.
/// </summary>
internal sealed class DirectLinkService : IAsyncDisposable
{
    private readonly DeviceIdentity _local;
    private readonly IPEndPoint? _listen;
    private readonly Func<ILink, CancellationToken, Task> _onLink;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly ILogger _logger;
    private readonly DirectLinkOptions _options;
    private readonly INetwork _network;
    private readonly Dictionary<DeviceId, PeerSlot> _slots = [];
    private readonly Lock _gate = new();
    private readonly List<Task> _linkTasks = [];
    private ITcpListener? _listener;

    /// <summary>Creates the service; <see cref="Start"/> binds, <see cref="RunAsync"/> connects.</summary>
    /// <exception cref="ArgumentException">A device is listed twice.</exception>
    public DirectLinkService(DeviceIdentity local, IPEndPoint? listen, IReadOnlyList<DirectPeer> peers, Func<ILink, CancellationToken, Task> onLink, TimeProvider time, Random random, ILoggerFactory loggers, DirectLinkOptions? options = null, INetwork? network = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(onLink);
        ArgumentNullException.ThrowIfNull(loggers);
        _local = local;
        _listen = listen;
        _onLink = onLink;
        _time = time;
        _random = random;
        _logger = loggers.CreateLogger("Mesh.Links");
        _options = options ?? new DirectLinkOptions();
        _network = network ?? SocketNetwork.Instance;
        foreach (var peer in peers)
        {
            if (!_slots.TryAdd(peer.Device, new PeerSlot(peer)))
            {
                throw new ArgumentException($"Device {peer.Device} is listed twice.", nameof(peers));
            }
        }
    }

    /// <summary>The endpoint actually listened on (with the port chosen when 0 was asked), or null.</summary>
    public IPEndPoint? ListenEndpoint => _listener?.LocalEndPoint;

    /// <summary>Each configured peer's link state, in configuration order.</summary>
    public IReadOnlyList<DirectPeerState> Peers
    {
        get
        {
            lock (_gate)
            {
                return _slots.Values.Select(s => s.State()).ToList();
            }
        }
    }

    /// <summary>Binds the listening endpoint now, so a taken port is reported before anything runs.</summary>
    /// <exception cref="DirectLinkException">The endpoint cannot be listened on; the message names it.</exception>
    public void Start()
    {
        if (_listen is null || _listener is not null)
        {
            return;
        }

        try
        {
            _listener = _network.ListenTcp(_listen);
        }
        catch (SocketException ex)
        {
            var why = ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "address already in use",
                SocketError.AccessDenied => "permission denied",
                SocketError.AddressNotAvailable => "no such address on this host",
                _ => ex.Message,
            };
            throw new DirectLinkException($"cannot listen on {DirectAddress.Format(_listen)}: {why}", ex);
        }

        _logger.LogInformation("Listening for direct links on {Address}", DirectAddress.Format(_listener.LocalEndPoint));
    }

    /// <summary>
    /// Accepts and dials until <paramref name="ct"/> fires, then closes the listener and every link and
    /// returns once their callbacks returned.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        Start();
        var loops = new List<Task>();
        if (_listener is not null)
        {
            loops.Add(AcceptLoopAsync(_listener, ct));
        }

        foreach (var slot in _slots.Values.Where(s => s.Peer.CanDial))
        {
            loops.Add(DialLoopAsync(slot, ct));
        }

        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task StopAsync()
    {
        if (_listener is { } listener)
        {
            _listener = null;
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        Task[] running;
        lock (_gate)
        {
            foreach (var slot in _slots.Values)
            {
                slot.Current?.Stop.Cancel();
            }

            running = [.. _linkTasks];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync(ITcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            ITcpConnection connection;
            try
            {
                connection = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset before it was accepted; the listener is fine.
                _logger.LogDebug("Accept failed: {Reason}", ex.Message);
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => AcceptOneAsync(connection, ct), CancellationToken.None);
        }
    }

    private async Task AcceptOneAsync(ITcpConnection connection, CancellationToken ct)
    {
        var address = DirectAddress.Format(connection.RemoteEndPoint);
        TlsLink link;
        try
        {
            link = await TlsLinkHandshake.AcceptAsync(connection.Stream, _local, IsConfigured, _options.Tls, _logger, ct).ConfigureAwait(false);
        }
        catch (DirectLinkException ex)
        {
            _logger.LogInformation("Incoming connection from {Address} not taken: {Reason}", address, ex.Message);
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        await AdoptAsync(link, connection, link.RemoteDevice, address).ConfigureAwait(false);
    }

    private bool IsConfigured(DeviceId device) => _slots.ContainsKey(device);

    private async Task DialLoopAsync(PeerSlot slot, CancellationToken ct)
    {
        var backoff = new ReconnectBackoff(_options.MinBackoff, _options.MaxBackoff, _random, _randomGate);
        while (!ct.IsCancellationRequested)
        {
            if (slot.CurrentEnded() is { } connected)
            {
                // Up through a connection the peer dialled; dial only once it is gone.
                await connected.WaitAsync(ct).ConfigureAwait(false);
                await Task.Delay(backoff.Next(), _time, ct).ConfigureAwait(false);
                continue;
            }

            Task? ended = null;
            try
            {
                ended = await DialAsync(slot.Peer, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DirectLinkException or SocketException or OperationCanceledException or IOException)
            {
                var reason = ex is OperationCanceledException ? $"no connection within {_options.ConnectTimeout.TotalSeconds:0.#} s" : ex.Message;
                var pause = backoff.Next();
                _logger.LogInformation("Cannot reach {Device} at {Address}: {Reason}; retrying in {Pause:0.#} s", slot.Peer.Device.Short, slot.Peer.Address, reason, pause.TotalSeconds);
                await Task.Delay(pause, _time, ct).ConfigureAwait(false);
                continue;
            }

            if (ended is not null)
            {
                backoff.Reset();
                await ended.WaitAsync(ct).ConfigureAwait(false);
            }

            await Task.Delay(backoff.Next(), _time, ct).ConfigureAwait(false);
        }
    }

    // Returns a task that completes when the link ends, or null when a link the peer dialled won.
    private async Task<Task?> DialAsync(DirectPeer peer, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(peer.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(peer.Host, ct).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new DirectLinkException($"{peer.Host} has no address");
        }

        ITcpConnection? connection = null;
        Exception? last = null;
        foreach (var address in addresses)
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                connection = await _network.ConnectTcpAsync(new IPEndPoint(address, peer.Port), linked.Token).ConfigureAwait(false);
                break;
            }
            catch (SocketException ex)
            {
                last = ex;
            }
        }

        if (connection is null)
        {
            throw last ?? new DirectLinkException($"{peer.Host} has no address");
        }

        var remote = DirectAddress.Format(connection.RemoteEndPoint);
        TlsLink link;
        try
        {
            link = await TlsLinkHandshake.ConnectAsync(connection.Stream, _local, peer.Device, _options.Tls, _logger, ct).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return await AdoptAsync(link, connection, _local.Id, remote).ConfigureAwait(false);
    }

    // Makes the link the peer's current one unless the one already there wins; returns a task that
    // completes when the adopted link ends, or null when it was dropped as a duplicate.
    private async Task<Task?> AdoptAsync(TlsLink link, ITcpConnection connection, DeviceId dialler, string address)
    {
        ActiveLink active;
        lock (_gate)
        {
            var slot = _slots[link.RemoteDevice];
            if (slot.Current is { } existing && !Replaces(dialler, existing.Dialler, link.RemoteDevice))
            {
                active = null!;
            }
            else
            {
                slot.Current?.Stop.Cancel();
                active = new ActiveLink(link, connection, dialler, address);
                slot.Current = active;
                var task = Task.Run(() => RunLinkAsync(slot, active), CancellationToken.None);
                _linkTasks.Add(task);
                _ = task.ContinueWith(t => RemoveTask(t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        if (active is null)
        {
            _logger.LogDebug("Second connection with {Device} closed; the one dialled by the lower device ID stays", link.RemoteDevice.Short);
            await link.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        return active.Ended.Task;
    }

    // A connection dialled by the same side as the current one is a reconnect and replaces it (the
    // old one is dead as far as that side knows); between two dialled by different sides, both ends
    // keep the one dialled by the lower device ID.
    private bool Replaces(DeviceId newDialler, DeviceId oldDialler, DeviceId remote)
    {
        if (newDialler == oldDialler)
        {
            return true;
        }

        var lower = _local.Id.Bytes.SequenceCompareTo(remote.Bytes) < 0 ? _local.Id : remote;
        return newDialler == lower;
    }

    private void RemoveTask(Task task)
    {
        lock (_gate)
        {
            _linkTasks.Remove(task);
        }
    }

    private async Task RunLinkAsync(PeerSlot slot, ActiveLink active)
    {
        _logger.LogInformation("Direct link to {Device} up ({Address})", active.Link.RemoteDevice.Short, active.Address);
        try
        {
            await _onLink(active.Link, active.Stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (active.Stop.IsCancellationRequested)
        {
            // Replaced or stopping.
        }
#pragma warning disable CA1031 // Whatever the callback throws ends this link only; the service goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogWarning(ex, "Link to {Device} ended with an error: {Reason}", active.Link.RemoteDevice.Short, ex.Message);
        }
        finally
        {
            await active.Link.DisposeAsync().ConfigureAwait(false);
            await active.Connection.DisposeAsync().ConfigureAwait(false);
            lock (_gate)
            {
                slot.BytesInDone += active.Link.BytesReceived;
                slot.BytesOutDone += active.Link.BytesSent;
                if (slot.Current == active)
                {
                    slot.Current = null;
                }
            }

            active.Stop.Dispose();
            active.Ended.TrySetResult();
            _logger.LogInformation("Direct link to {Device} down", active.Link.RemoteDevice.Short);
        }
    }

    /// <summary>One configured peer and its current link.</summary>
    private sealed class PeerSlot(DirectPeer peer)
    {
        public DirectPeer Peer { get; } = peer;

        public ActiveLink? Current { get; set; }

        public long BytesInDone { get; set; }

        public long BytesOutDone { get; set; }

        public Task? CurrentEnded() => Current?.Ended.Task;

        public DirectPeerState State() => Current is { } c
            ? new DirectPeerState(Peer.Device, true, c.Address, BytesInDone + c.Link.BytesReceived, BytesOutDone + c.Link.BytesSent, TlsLink.Path)
            : new DirectPeerState(Peer.Device, false, Peer.Address, BytesInDone, BytesOutDone, TlsLink.Path);
    }

    /// <summary>An established link, the connection beneath it, and who dialled it.</summary>
    private sealed class ActiveLink(TlsLink link, ITcpConnection connection, DeviceId dialler, string address)
    {
        public TlsLink Link { get; } = link;

        public ITcpConnection Connection { get; } = connection;

        public DeviceId Dialler { get; } = dialler;

        public string Address { get; } = address;

        public CancellationTokenSource Stop { get; } = new();

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
