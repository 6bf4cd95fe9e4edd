using System.Runtime.CompilerServices;
using System.Text;
using Mesh.Transport.Sctp;

namespace Mesh.Transport.DataChannels;

/// <summary>
/// One WebRTC data channel (RFC 8831) on one SCTP stream of a <see cref="DataChannelConnection"/>.
/// Sends wait while the association's buffer is above the high-water mark (backpressure); received
/// messages are raised on the connection's receiving thread, in order for an ordered channel.
/// </summary>
public sealed class DataChannel
{
    private readonly DataChannelConnection _connection;
    private readonly object _gate = new();
    private bool _incomingReset;
    private bool _outgoingReset;
    private DataChannelMessageHandler? _messageReceived;
    private List<(byte[] Data, bool Text)>? _early = [];

    internal DataChannel(DataChannelConnection connection, ushort id, string label, string protocol, bool ordered, DataChannelState state)
    {
        _connection = connection;
        Id = id;
        Label = label;
        Protocol = protocol;
        Ordered = ordered;
        State = state;
    }

    /// <summary>Raised when the channel becomes open (the peer acknowledged it, or sent on it).</summary>
    public event Action<DataChannel>? Opened;

    /// <summary>
    /// Raised for each message received. Messages that arrive before the first handler is attached (the
    /// peer may send right after opening) are kept and handed to that first handler when it is attached.
    /// </summary>
    public event DataChannelMessageHandler? MessageReceived
    {
        add
        {
            lock (_gate)
            {
                _messageReceived += value;
                if (_early is { } early && value is not null)
                {
                    _early = null;
                    foreach (var (data, text) in early)
                    {
                        value(this, data, text);
                    }
                }
            }
        }

        remove
        {
            lock (_gate)
            {
                _messageReceived -= value;
            }
        }
    }

    /// <summary>Raised once when the channel is closed.</summary>
    public event Action<DataChannel>? Closed;

    /// <summary>The SCTP stream identifier.</summary>
    public ushort Id { get; }

    /// <summary>The label given when opened.</summary>
    public string Label { get; }

    /// <summary>The subprotocol given when opened.</summary>
    public string Protocol { get; }

    /// <summary>True if messages are delivered in order.</summary>
    public bool Ordered { get; }

    /// <summary>The current state.</summary>
    public DataChannelState State { get; private set; }

    /// <summary>The connection's queued and unacknowledged bytes (one SCTP association is shared by its channels).</summary>
    public long BufferedAmount => _connection.Association.BufferedAmount;

    /// <summary>Sends a binary message, waiting while the send buffer is full.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(this, message, isText: false, cancellationToken);

    /// <summary>Sends a text message as UTF-8, waiting while the send buffer is full.</summary>
    public ValueTask SendAsync(string message, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(this, Encoding.UTF8.GetBytes(message), isText: true, cancellationToken);

    /// <summary>Closes the channel by resetting its outgoing stream (RFC 8831 section 6.7); the peer resets its side in turn.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (State is DataChannelState.Closing or DataChannelState.Closed)
            {
                return;
            }

            State = DataChannelState.Closing;
        }

        _connection.Association.ResetStream(Id);
    }

    internal void MarkOpen()
    {
        lock (_gate)
        {
            if (State != DataChannelState.Connecting)
            {
                return;
            }

            State = DataChannelState.Open;
        }

        Opened?.Invoke(this);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Deliver(ReadOnlySpan<byte> message, bool isText)
    {
        if (State == DataChannelState.Connecting)
        {
            MarkOpen(); // RFC 8832 section 6: data before the ACK implies it
        }

        lock (_gate)
        {
            if (_messageReceived is null)
            {
                (_early ??= []).Add((message.ToArray(), isText));
                return;
            }

            _messageReceived(this, message, isText);
        }
    }

    /// <summary>The peer reset its outgoing stream: reset ours too (if not already), then the channel is closed.</summary>
    internal void OnIncomingReset()
    {
        bool resetOurs;
        lock (_gate)
        {
            _incomingReset = true;
            resetOurs = !_outgoingReset && State != DataChannelState.Closing;
            State = DataChannelState.Closing;
        }

        if (resetOurs)
        {
            _connection.Association.ResetStream(Id);
        }

        CloseIfDone();
    }

    internal void OnOutgoingReset()
    {
        lock (_gate)
        {
            _outgoingReset = true;
        }

        CloseIfDone();
    }

    internal void OnConnectionClosed()
    {
        lock (_gate)
        {
            if (State == DataChannelState.Closed)
            {
                return;
            }

            State = DataChannelState.Closed;
        }

        Closed?.Invoke(this);
    }

    private void CloseIfDone()
    {
        lock (_gate)
        {
            if (!_incomingReset || !_outgoingReset || State == DataChannelState.Closed)
            {
                return;
            }

            State = DataChannelState.Closed;
        }

        _connection.Forget(this);
        Closed?.Invoke(this);
    }
}
