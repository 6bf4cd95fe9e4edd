using System.Net;
using System.Net.Sockets;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Transport.Turn;

/// <summary>
/// A TURN client (RFC 8656) holding one allocation: a relayed transport address on the server through
/// which it exchanges UDP datagrams with peers. It is an <see cref="IUdpEndpoint"/> whose local address
/// is the relayed address, so an ICE agent gathers a relayed candidate from it and runs checks through
/// it like through any socket. It authenticates with long-term credentials (handling 401 and 438),
/// refreshes the allocation, permissions and channels before they expire, binds a channel per peer so
/// data goes as 4-byte-header ChannelData, and deallocates when disposed.
/// </summary>
public sealed partial class TurnClient : IUdpEndpoint, IAsyncDisposable
{
    private const byte Udp = 17;
    private static readonly TimeSpan PermissionRefresh = TimeSpan.FromMinutes(4); // permissions last 5 minutes
    private static readonly TimeSpan ChannelRefresh = TimeSpan.FromMinutes(8); // channels last 10 minutes
    private static readonly TimeSpan MaintenancePeriod = TimeSpan.FromSeconds(30);

    private readonly TurnClientOptions options;
    private readonly TurnConnection connection;
    private readonly StunClient stun;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<IPAddress, long> permissions = [];
    private readonly Dictionary<IPEndPoint, ushort> channelByPeer = [];
    private readonly Dictionary<ushort, IPEndPoint> peerByChannel = [];
    private readonly Dictionary<IPEndPoint, long> channelBoundAt = [];
    private readonly HashSet<IPEndPoint> bindingPeers = [];
    private readonly CancellationTokenSource closing = new();
    private string? realm;
    private ReadOnlyMemory<byte>? nonce;
    private byte[]? key;
    private ushort nextChannel = ChannelDataMessage.MinChannel;
    private UdpDatagramHandler? handler;
    private ITimer? maintenance;
    private long refreshAt;
    private int maintaining;
    private bool closed;
    private bool lost;

    private TurnClient(TurnClientOptions options, TurnConnection connection)
    {
        this.options = options;
        this.connection = connection;
        logger = options.Logger ?? NullLogger.Instance;
        stun = new StunClient((datagram, _) => connection.Send(datagram), options.Time, options.Random, options.RunContinuationsInline);
        connection.Start(OnMessage);
    }

    /// <summary>The relayed transport address peers send to.</summary>
    public IPEndPoint RelayedAddress { get; private set; } = new(IPAddress.None, 0);

    /// <summary>Our address as the server saw it (server-reflexive), from the Allocate response.</summary>
    public IPEndPoint? MappedAddress { get; private set; }

    /// <summary>The allocation's lifetime as last granted.</summary>
    public TimeSpan Lifetime { get; private set; }

    /// <summary>The TURN server.</summary>
    public IPEndPoint Server => connection.Server;

    /// <summary>UDP or TCP to the server.</summary>
    public TurnTransport Transport => options.Transport;

    /// <summary>The relayed address (the <see cref="IUdpEndpoint"/> view).</summary>
    public IPEndPoint LocalEndPoint => RelayedAddress;

    /// <summary>The address of our socket towards the server.</summary>
    public IPEndPoint ServerSideLocalEndPoint => connection.LocalEndPoint;

    /// <summary>
    /// Raised once, with the reason, when the server no longer has our allocation: a Refresh, CreatePermission or
    /// ChannelBind was answered 437 Allocation Mismatch. That happens after a server restart, or when the server
    /// closed the allocation itself (coturn does when a relayed send fails locally). From then on nothing is sent
    /// or refreshed; the owner should stop using the relay.
    /// </summary>
    public event Action<string>? AllocationLost;

    /// <summary>True once the server has told us it no longer has our allocation (see <see cref="AllocationLost"/>).</summary>
    public bool IsAllocationLost
    {
        get
        {
            lock (gate)
            {
                return lost;
            }
        }
    }

    /// <summary>
    /// Connects to the server and allocates a relayed address. Throws <see cref="TurnException"/> when the
    /// server refuses (<see cref="TurnException.IsAuthenticationFailure"/> for wrong credentials) or does
    /// not answer.
    /// </summary>
    public static async Task<TurnClient> AllocateAsync(TurnClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TurnConnection connection;
        if (options.Transport == TurnTransport.Tcp)
        {
            ITcpConnection tcp;
            try
            {
                tcp = await options.Network.ConnectTcpAsync(options.Server, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException exception)
            {
                throw new TurnException($"cannot connect to TURN server {options.Server} over TCP: {exception.Message}", exception);
            }

            connection = new TcpTurnConnection(tcp);
        }
        else if (options.SharedSocket is { } shared)
        {
            connection = new SharedUdpTurnConnection(shared, options.Server);
        }
        else
        {
            var local = options.LocalEndPoint ?? new IPEndPoint(
                options.Server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            connection = new UdpTurnConnection(options.Network.BindUdp(local), options.Server);
        }

        var client = new TurnClient(options, connection);
        try
        {
            await client.AllocateAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts delivering datagrams from peers (via Data indications or ChannelData).</summary>
    public void Start(UdpDatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (gate)
        {
            if (this.handler is not null)
            {
                throw new InvalidOperationException("The TURN client has already been started.");
            }

            this.handler = handler;
        }
    }

    /// <summary>
    /// Relays <paramref name="datagram"/> to <paramref name="remote"/>: as ChannelData when a channel is
    /// bound, else as a Send indication (and, with <see cref="TurnClientOptions.AutoBindChannels"/>, binds a
    /// channel for the next ones). The peer must have a permission, or the server drops the data; binding
    /// a channel installs one. Never blocks.
    /// </summary>
    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ushort channel;
        bool bind;
        lock (gate)
        {
            if (closed || lost)
            {
                return;
            }

            if (!channelBoundAt.ContainsKey(remote) || !channelByPeer.TryGetValue(remote, out channel))
            {
                channel = 0;
            }

            bind = channel == 0 && options.AutoBindChannels && nextChannel <= ChannelDataMessage.MaxChannel && bindingPeers.Add(remote);
        }

        if (channel != 0)
        {
            SendChannelData(channel, datagram);
            return;
        }

        var indication = new StunMessage(new StunMessageType(StunMethod.Send, StunClass.Indication), stun.NewTransactionId())
        {
            Data = datagram.ToArray(),
        };
        indication.XorPeerAddresses.Add(remote);
        connection.Send(indication.ToArray(fingerprint: true));
        if (bind)
        {
            _ = BindInBackgroundAsync(remote);
        }
    }

    /// <summary>Installs (or refreshes) a permission for <paramref name="peers"/> so their datagrams are relayed to us.</summary>
    public async Task CreatePermissionAsync(IEnumerable<IPAddress> peers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var addresses = peers.Select(StunAddressCanonical).Distinct().ToArray();
        if (addresses.Length == 0)
        {
            return;
        }

        await RequestAsync(StunMethod.CreatePermission, message =>
        {
            foreach (var address in addresses)
            {
                message.XorPeerAddresses.Add(new IPEndPoint(address, 0));
            }
        }, cancellationToken).ConfigureAwait(false);
        var now = options.Time.GetTimestamp();
        lock (gate)
        {
            foreach (var address in addresses)
            {
                permissions[address] = now;
            }
        }
    }

    /// <summary>Installs a permission for one peer address.</summary>
    public Task CreatePermissionAsync(IPAddress peer, CancellationToken cancellationToken = default) =>
        CreatePermissionAsync([peer], cancellationToken);

    /// <summary>Binds a channel to <paramref name="peer"/> (which also installs its permission); returns the channel number.</summary>
    public async Task<ushort> BindChannelAsync(IPEndPoint peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ushort channel;
        lock (gate)
        {
            if (!channelByPeer.TryGetValue(peer, out channel) && !TryReserveChannel(peer, out channel))
            {
                throw new TurnException("no channel numbers left");
            }
        }

        await RequestAsync(StunMethod.ChannelBind, message =>
        {
            message.ChannelNumber = channel;
            message.XorPeerAddresses.Add(peer);
        }, cancellationToken).ConfigureAwait(false);
        var now = options.Time.GetTimestamp();
        lock (gate)
        {
            channelBoundAt[peer] = now;
            permissions[StunAddressCanonical(peer.Address)] = now;
        }

        return channel;
    }

    /// <summary>Refreshes the allocation for <paramref name="lifetime"/> (or the server default); returns the granted lifetime.</summary>
    public async Task<TimeSpan> RefreshAsync(TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        var requested = lifetime ?? options.RequestedLifetime;
        var response = await RequestAsync(StunMethod.Refresh, message =>
        {
            if (requested is { } value)
            {
                message.Lifetime = (uint)value.TotalSeconds;
            }
        }, cancellationToken).ConfigureAwait(false);
        var granted = TimeSpan.FromSeconds(response.Lifetime ?? 0);
        lock (gate)
        {
            Lifetime = granted;
            refreshAt = RefreshDue(granted);
        }

        return granted;
    }

    /// <summary>Deallocates (Refresh with lifetime 0, waiting briefly for the answer) and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!BeginClose(out var allocated))
        {
            return;
        }

        if (allocated)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3), options.Time);
                await RequestAsync(StunMethod.Refresh, message => message.Lifetime = 0, timeout.Token, retryAuth: false).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is TurnException or OperationCanceledException)
            {
                LogDeallocateFailed(logger, exception, Server);
            }
        }

        await EndCloseAsync().ConfigureAwait(false);
    }

    /// <summary>Deallocates without waiting (one Refresh with lifetime 0, best effort) and closes.</summary>
    public void Dispose()
    {
        if (!BeginClose(out var allocated))
        {
            return;
        }

        if (allocated && key is not null)
        {
            var message = NewRequest(StunMethod.Refresh);
            message.Lifetime = 0;
            connection.Send(Sign(message));
        }

        _ = EndCloseAsync().AsTask();
    }

    private bool BeginClose(out bool allocated)
    {
        lock (gate)
        {
            // A lost allocation has nothing left to deallocate; asking would only earn another 437.
            allocated = RelayedAddress.Port != 0 && !lost;
            if (closed)
            {
                return false;
            }

            closed = true;
        }

        maintenance?.Dispose();
        return true;
    }

    private async ValueTask EndCloseAsync()
    {
        await closing.CancelAsync().ConfigureAwait(false);
        stun.Dispose();
        await connection.DisposeAsync().ConfigureAwait(false);
        closing.Dispose();
    }

    private async Task AllocateAsync(CancellationToken cancellationToken)
    {
        var response = await RequestAsync(StunMethod.Allocate, message =>
        {
            message.RequestedTransport = Udp;
            message.RequestedAddressFamily = options.RelayedAddressFamily;
            if (options.RequestedLifetime is { } lifetime)
            {
                message.Lifetime = (uint)lifetime.TotalSeconds;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (response.XorRelayedAddresses.Count == 0)
        {
            throw new TurnException("the Allocate response has no XOR-RELAYED-ADDRESS");
        }

        var granted = TimeSpan.FromSeconds(response.Lifetime ?? 600);
        lock (gate)
        {
            RelayedAddress = response.XorRelayedAddresses[0];
            MappedAddress = response.XorMappedAddress;
            Lifetime = granted;
            refreshAt = RefreshDue(granted);
        }

        maintenance = options.Time.CreateTimer(static state => ((TurnClient)state!).OnMaintenanceTimer(), this, MaintenancePeriod, MaintenancePeriod);
    }

    /// <summary>
    /// Sends a request and returns its success response, authenticating on the way: the first 401 gives
    /// the realm and nonce for the long-term key, a 438 a fresh nonce. A second 401 means wrong credentials.
    /// </summary>
    private async Task<StunMessage> RequestAsync(StunMethod method, Action<StunMessage> fill, CancellationToken cancellationToken, bool retryAuth = true)
    {
        var unauthorised = 0;
        var stale = 0;
        var schedule = connection.IsReliable ? StunRetransmission.ForReliable : StunRetransmission.Default;
        while (true)
        {
            var request = NewRequest(method);
            fill(request);
            var encoded = Sign(request);
            var response = await stun.SendAsync(request.TransactionId, encoded, connection.Server, schedule, cancellationToken).ConfigureAwait(false)
                ?? throw new TurnException($"TURN server {connection.Server} did not answer the {method} request");
            var message = response.Message;
            if (response.IsSuccess)
            {
                var usedKey = CurrentKey();
                if (usedKey is not null && message.HasMessageIntegrity && !message.CheckIntegrity(usedKey))
                {
                    throw new TurnException($"the {method} response from {connection.Server} fails its MESSAGE-INTEGRITY check");
                }

                return message;
            }

            var error = message.ErrorCode ?? new StunErrorCode(StunErrorCode.ServerError, "error response without ERROR-CODE");
            if (error.Code == StunErrorCode.Unauthenticated && retryAuth && unauthorised++ == 0 && message.Realm is not null && message.Nonce is not null)
            {
                Authenticate(message.Realm, message.Nonce.Value);
                continue;
            }

            if (error.Code == StunErrorCode.StaleNonce && message.Nonce is not null && stale++ < 2)
            {
                Authenticate(message.Realm ?? realm ?? string.Empty, message.Nonce.Value);
                continue;
            }

            if (error.Code == StunErrorCode.AllocationMismatch && method != StunMethod.Allocate)
            {
                OnAllocationLost($"the server answered {method} with {error}");
            }
            else if (error.Code == StunErrorCode.BadRequest && method is StunMethod.CreatePermission or StunMethod.ChannelBind)
            {
                // coturn answers these with 400, not 437, when the allocation is gone; a Refresh tells for sure.
                _ = ProbeAllocationAsync();
            }

            var what = error.Code is StunErrorCode.Unauthenticated or StunErrorCode.WrongCredentials
                ? $"TURN server {connection.Server} refused the credentials of '{options.Credentials.Username}' ({error})"
                : $"TURN server {connection.Server} refused {method}: {error}";
            throw new TurnException(what, error.Code);
        }
    }

    private void Authenticate(string newRealm, ReadOnlyMemory<byte> newNonce)
    {
        lock (gate)
        {
            if (key is null || realm != newRealm)
            {
                key = StunCredentials.LongTermKey(options.Credentials.Username, newRealm, options.Credentials.Password);
            }

            realm = newRealm;
            nonce = newNonce.ToArray();
        }
    }

    private async Task ProbeAllocationAsync()
    {
        try
        {
            await RequestAsync(StunMethod.Refresh, message =>
            {
                if (options.RequestedLifetime is { } value)
                {
                    message.Lifetime = (uint)value.TotalSeconds;
                }
            }, closing.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TurnException or OperationCanceledException or ObjectDisposedException)
        {
            // A 437 has already been reported by RequestAsync; anything else leaves the allocation presumed alive.
            LogMaintenanceFailed(logger, exception, Server);
        }
    }

    private void OnAllocationLost(string reason)
    {
        lock (gate)
        {
            if (closed || lost)
            {
                return;
            }

            lost = true;
        }

        maintenance?.Dispose();
        LogAllocationLost(logger, Server, reason);
        AllocationLost?.Invoke(reason);
    }

    private byte[]? CurrentKey()
    {
        lock (gate)
        {
            return key;
        }
    }

    private StunMessage NewRequest(StunMethod method) =>
        new(new StunMessageType(method, StunClass.Request), stun.NewTransactionId()) { Software = options.Software };

    /// <summary>Adds the long-term credential attributes (once we have a nonce) and encodes.</summary>
    private byte[] Sign(StunMessage message)
    {
        byte[]? usedKey;
        lock (gate)
        {
            usedKey = key;
            if (usedKey is not null)
            {
                message.Username = options.Credentials.Username;
                message.Realm = realm;
                message.Nonce = nonce;
            }
        }

        return usedKey is null
            ? message.ToArray(fingerprint: true)
            : message.ToArray(StunIntegrity.Sha1, usedKey, fingerprint: true);
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        if (ChannelDataMessage.IsChannelData(message))
        {
            if (!ChannelDataMessage.TryParse(message, out var channelData))
            {
                return;
            }

            IPEndPoint? peer;
            UdpDatagramHandler? target;
            lock (gate)
            {
                peerByChannel.TryGetValue(channelData.Channel, out peer);
                target = handler;
            }

            if (peer is not null && target is not null)
            {
                target(channelData.Data, peer);
            }

            return;
        }

        if (stun.OnDatagram(message, connection.Server))
        {
            return;
        }

        if (StunMessage.TryParse(message, out var parsed)
            && parsed.Type == new StunMessageType(StunMethod.Data, StunClass.Indication)
            && parsed.Data is { } data
            && parsed.XorPeerAddresses.Count > 0)
        {
            UdpDatagramHandler? target;
            lock (gate)
            {
                target = handler;
            }

            target?.Invoke(data.Span, parsed.XorPeerAddresses[0]);
        }
    }

    private void SendChannelData(ushort channel, ReadOnlySpan<byte> datagram)
    {
        var frame = new ChannelDataMessage(channel, datagram);
        var pad = connection.IsReliable;
        var length = frame.GetLength(pad);
        if (length <= 2048)
        {
            Span<byte> buffer = stackalloc byte[2048];
            frame.WriteTo(buffer, pad);
            connection.Send(buffer[..length]);
        }
        else
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
            frame.WriteTo(buffer, pad);
            connection.Send(buffer.AsSpan(0, length));
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool TryReserveChannel(IPEndPoint peer, out ushort channel)
    {
        channel = 0;
        if (nextChannel > ChannelDataMessage.MaxChannel)
        {
            return false;
        }

        channel = nextChannel++;
        peerByChannel[channel] = peer;
        channelByPeer[peer] = channel;
        return true;
    }

    private async Task BindInBackgroundAsync(IPEndPoint peer)
    {
        try
        {
            await BindChannelAsync(peer, closing.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TurnException or OperationCanceledException or ObjectDisposedException)
        {
            LogChannelBindFailed(logger, exception, peer);
        }
        finally
        {
            lock (gate)
            {
                bindingPeers.Remove(peer);
            }
        }
    }

    private long RefreshDue(TimeSpan lifetime)
    {
        // A minute before expiry, or half-way for short lifetimes.
        var lead = lifetime > TimeSpan.FromMinutes(2) ? lifetime - TimeSpan.FromMinutes(1) : lifetime / 2;
        return options.Time.GetTimestamp() + (long)(lead.TotalSeconds * options.Time.TimestampFrequency);
    }

    private void OnMaintenanceTimer()
    {
        if (Interlocked.Exchange(ref maintaining, 1) == 0)
        {
            _ = MaintainAsync();
        }
    }

    private async Task MaintainAsync()
    {
        try
        {
            var now = options.Time.GetTimestamp();
            bool refresh;
            IPAddress[] stalePermissions;
            IPEndPoint[] staleChannels;
            lock (gate)
            {
                if (closed || lost)
                {
                    return;
                }

                refresh = now >= refreshAt;
                stalePermissions = permissions.Where(p => options.Time.GetElapsedTime(p.Value) >= PermissionRefresh).Select(p => p.Key).ToArray();
                staleChannels = channelBoundAt.Where(c => options.Time.GetElapsedTime(c.Value) >= ChannelRefresh).Select(c => c.Key).ToArray();
            }

            var token = closing.Token;
            if (refresh)
            {
                await RefreshAsync(cancellationToken: token).ConfigureAwait(false);
            }

            foreach (var peer in staleChannels)
            {
                await BindChannelAsync(peer, token).ConfigureAwait(false);
            }

            if (stalePermissions.Length > 0)
            {
                await CreatePermissionAsync(stalePermissions, token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is TurnException or OperationCanceledException or ObjectDisposedException)
        {
            LogMaintenanceFailed(logger, exception, Server);
        }
        finally
        {
            Volatile.Write(ref maintaining, 0);
        }
    }

    private static IPAddress StunAddressCanonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Keeping the TURN allocation on {Server} alive failed")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception, IPEndPoint server);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Binding a TURN channel to {Peer} failed")]
    private static partial void LogChannelBindFailed(ILogger logger, Exception exception, IPEndPoint peer);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Deallocating on TURN server {Server} failed")]
    private static partial void LogDeallocateFailed(ILogger logger, Exception exception, IPEndPoint server);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "The TURN allocation on {Server} is gone: {Reason}")]
    private static partial void LogAllocationLost(ILogger logger, IPEndPoint server, string reason);
}
