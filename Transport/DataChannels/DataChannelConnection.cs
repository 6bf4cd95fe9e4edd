using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Mesh.Transport.Dtls;
using Mesh.Transport.Net;
using Mesh.Transport.Sctp;

namespace Mesh.Transport.DataChannels;

/// <summary>
/// WebRTC data channels (RFC 8831, DCEP RFC 8832) over one SCTP association over a DTLS connection (or
/// any datagram path). Stream identifiers follow the DTLS role: the DTLS client opens even ones, the
/// server odd ones, so both may open channels at once without colliding.
/// </summary>
public sealed class DataChannelConnection : IDisposable
{
    private readonly IDatagramPath _path;
    private readonly DataChannelOptions _options;
    private readonly ConcurrentDictionary<ushort, DataChannel> _channels = new();
    private readonly object _gate = new();
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _spaceWaiter;
    private Action<DataChannel>? _channelOpened;
    private List<DataChannel>? _earlyChannels = [];
    private int _nextId;

    private DataChannelConnection(IDatagramPath path, DtlsRole role, DataChannelOptions options)
    {
        _path = path;
        _options = options;
        _nextId = role == DtlsRole.Client ? 0 : 1;
        Role = role;
        var sctp = options.Sctp with
        {
            Mtu = Math.Min(path.MaxDatagramSize, 65535),
            MaxReceiveMessageSize = options.MaxMessageSize,
        };
        Association = new Association(sctp, path.Send) { BufferedAmountLowThreshold = options.BufferedAmountLowThreshold };
        Association.Established += () => _established.TrySetResult();
        Association.MessageReceived += OnMessage;
        Association.IncomingStreamReset += id => { if (_channels.TryGetValue(id, out var c)) { c.OnIncomingReset(); } };
        Association.OutgoingStreamReset += id => { if (_channels.TryGetValue(id, out var c)) { c.OnOutgoingReset(); } };
        Association.BufferedAmountLow += WakeSenders;
        Association.Closed += OnAssociationClosed;
        if (path is DtlsConnection dtls)
        {
            dtls.Closed += reason => Association.Abort(reason?.Message ?? "the DTLS connection closed");
        }
    }

    /// <summary>Raised when the peer opens a channel; channels opened before the first handler is attached are raised to it then.</summary>
    public event Action<DataChannel>? ChannelOpened
    {
        add
        {
            List<DataChannel>? early;
            lock (_gate)
            {
                _channelOpened += value;
                early = _earlyChannels;
                _earlyChannels = null;
            }

            foreach (var channel in early ?? [])
            {
                value?.Invoke(channel);
            }
        }

        remove
        {
            lock (_gate)
            {
                _channelOpened -= value;
            }
        }
    }

    /// <summary>Raised once when the association ends; the argument is the reason, null after a graceful close.</summary>
    public event Action<string?>? Closed;

    /// <summary>The SCTP association beneath, for statistics.</summary>
    public Association Association { get; }

    /// <summary>This side's DTLS role, which decides the parity of the stream ids it opens.</summary>
    public DtlsRole Role { get; }

    /// <summary>The largest message the peer accepts.</summary>
    public int RemoteMaxMessageSize => _options.RemoteMaxMessageSize;

    /// <summary>
    /// Starts SCTP over <paramref name="path"/> (normally a <see cref="DtlsConnection"/>) and returns once
    /// the association is established. Both sides send INIT, as WebRTC peers do.
    /// </summary>
    public static async Task<DataChannelConnection> ConnectAsync(IDatagramPath path, DtlsRole role, DataChannelOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new DataChannelOptions();
        var connection = new DataChannelConnection(path, role, options);
        path.Start(packet => connection.Association.OnPacket(packet));
        connection.Association.Connect();
        try
        {
            await connection._established.Task.WaitAsync(options.ConnectTimeout, options.Sctp.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    /// <summary>Opens a channel by sending DATA_CHANNEL_OPEN; messages may be sent on it at once.</summary>
    public DataChannel OpenChannel(string label, string protocol = "", bool ordered = true)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(protocol);
        ushort id;
        lock (_gate)
        {
            do
            {
                if (_nextId > ushort.MaxValue - 1)
                {
                    throw new InvalidOperationException("No stream identifiers are left.");
                }

                id = (ushort)_nextId;
                _nextId += 2;
            }
            while (_channels.ContainsKey(id));
        }

        var channel = new DataChannel(this, id, label, protocol, ordered, DataChannelState.Connecting);
        _channels[id] = channel;
        var open = new DataChannelOpen(ordered ? DataChannelType.Reliable : DataChannelType.ReliableUnordered, 0, 0, label, protocol);
        var buffer = new byte[open.Length];
        open.WriteTo(buffer);
        if (Association.TrySend(id, (uint)DataChannelPpid.Dcep, buffer) != SendStatus.Queued)
        {
            _channels.TryRemove(id, out _);
            throw new InvalidOperationException("The connection is closed or its send buffer is full.");
        }

        return channel;
    }

    /// <summary>Starts a graceful SCTP shutdown.</summary>
    public void Shutdown() => Association.Shutdown();

    /// <summary>Aborts the association and closes the path beneath.</summary>
    public void Dispose()
    {
        Association.Dispose();
        _path.Dispose();
    }

    internal async ValueTask SendAsync(DataChannel channel, ReadOnlyMemory<byte> message, bool isText, CancellationToken cancellationToken)
    {
        if (message.Length > _options.RemoteMaxMessageSize)
        {
            throw new ArgumentException($"The message has {message.Length} bytes; the peer accepts at most {_options.RemoteMaxMessageSize}.", nameof(message));
        }

        var empty = message.IsEmpty;
        var ppid = (isText, empty) switch
        {
            (true, false) => DataChannelPpid.String,
            (true, true) => DataChannelPpid.StringEmpty,
            (false, false) => DataChannelPpid.Binary,
            _ => DataChannelPpid.BinaryEmpty,
        };
        while (true)
        {
            if (channel.State is DataChannelState.Closing or DataChannelState.Closed)
            {
                throw new InvalidOperationException($"The data channel '{channel.Label}' is closed.");
            }

            Task? wait = null;
            if (Association.BufferedAmount > _options.BufferedAmountHighThreshold)
            {
                wait = WaitForSpace();
                if (Association.BufferedAmount <= _options.BufferedAmountHighThreshold)
                {
                    wait = null; // drained between the check and the registration
                }
            }

            if (wait is null)
            {
                SendStatus status;
                using (DatagramBatch.Begin())
                {
                    // The packets this message lets out go to the socket together (segmentation offload).
                    status = Association.TrySend(channel.Id, (uint)ppid, empty ? [0] : message.Span, unordered: !channel.Ordered);
                }

                if (status == SendStatus.Queued)
                {
                    return;
                }

                if (status == SendStatus.Closed)
                {
                    throw new InvalidOperationException("The connection is closed: " + (Association.CloseReason ?? "shut down"));
                }

                wait = WaitForSpace();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Forget(DataChannel channel) => _channels.TryRemove(channel.Id, out _);

    private Task WaitForSpace()
    {
        lock (_gate)
        {
            _spaceWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _spaceWaiter.Task;
        }
    }

    private void WakeSenders()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _spaceWaiter;
            _spaceWaiter = null;
        }

        waiter?.TrySetResult();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnMessage(ushort streamId, uint ppid, ReadOnlySpan<byte> message)
    {
        switch ((DataChannelPpid)ppid)
        {
            case DataChannelPpid.Dcep:
                OnDcep(streamId, message);
                return;
            case DataChannelPpid.String:
            case DataChannelPpid.Binary:
            case DataChannelPpid.StringEmpty:
            case DataChannelPpid.BinaryEmpty:
                if (_channels.TryGetValue(streamId, out var channel))
                {
                    var empty = (DataChannelPpid)ppid is DataChannelPpid.StringEmpty or DataChannelPpid.BinaryEmpty;
                    var text = (DataChannelPpid)ppid is DataChannelPpid.String or DataChannelPpid.StringEmpty;
                    channel.Deliver(empty ? default : message, text);
                }

                return;
            default:
                return; // deprecated partial-message PPIDs and unknown ones are ignored
        }
    }

    private void OnDcep(ushort streamId, ReadOnlySpan<byte> message)
    {
        if (DataChannelAck.Is(message))
        {
            if (_channels.TryGetValue(streamId, out var opened))
            {
                opened.MarkOpen();
            }

            return;
        }

        if (!DataChannelOpen.TryParse(message, out var open))
        {
            return;
        }

        var channel = new DataChannel(this, streamId, open.Label, open.Protocol, open.Ordered, DataChannelState.Open);
        if (!_channels.TryAdd(streamId, channel))
        {
            return; // a second OPEN on a stream in use is ignored
        }

        Association.TrySend(streamId, (uint)DataChannelPpid.Dcep, [DataChannelAck.MessageType]);
        Action<DataChannel>? handler;
        lock (_gate)
        {
            handler = _channelOpened;
            if (handler is null)
            {
                (_earlyChannels ??= []).Add(channel);
                return;
            }
        }

        handler(channel);
    }

    private void OnAssociationClosed(string? reason)
    {
        foreach (var channel in _channels.Values)
        {
            channel.OnConnectionClosed();
        }

        _channels.Clear();
        _established.TrySetException(new InvalidOperationException("The SCTP association ended: " + (reason ?? "shut down")));
        WakeSenders();
        Closed?.Invoke(reason);
    }
}
