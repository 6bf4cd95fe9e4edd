using System.Runtime.CompilerServices;
using Mesh.Transport.Sctp.Chunks;
using Mesh.Transport.Sctp.ErrorCauses;

namespace Mesh.Transport.Sctp;

/// <summary>
/// One SCTP association (RFC 9260, as RFC 8831 needs it over DTLS, RFC 8261): a state machine driven only
/// by its inputs — <see cref="OnPacket"/>, <see cref="Connect"/>, <see cref="TrySend"/>,
/// <see cref="ResetStream"/>, <see cref="Shutdown"/>, <see cref="Abort"/> — and by timers from the
/// injected <see cref="TimeProvider"/>. It has no thread of its own; every input takes one lock, and
/// events are raised after the lock is released, so a handler may call back in.
/// </summary>
public sealed partial class Association : IDisposable
{
    private const int TrackedTsns = 1 << 15;
    private const int MaxGapBlocks = 64;
    private const int MaxDuplicates = 32;

    /// <summary>Most DATA packets of one burst of input answered by one SACK.</summary>
    private const int BurstSackInterval = 8;

    private readonly AssociationOptions _options;
    private readonly PacketSender _send;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly object _deliveryGate = new();
    private readonly byte[] _packet;
    private readonly byte[] _cookieSecret = new byte[32];
    private readonly SctpTimer _t1;
    private readonly SctpTimer _t2;
    private readonly SctpTimer _t3;
    private readonly SctpTimer _delayedAck;
    private readonly SctpTimer _heartbeat;
    private readonly SctpTimer _reconfigTimer;
    private readonly int _maxFragment;

    private uint _localTag;
    private uint _peerTag;
    private int _initRetransmissions;
    private int _errorCount;
    private byte[]? _cookieEcho;
    private string? _closeReason;
    private bool _closeRaised;
    private bool _establishedPending;

    /// <summary>Creates an association in <see cref="AssociationState.Closed"/>: it answers an incoming INIT, or starts one with <see cref="Connect"/>.</summary>
    public Association(AssociationOptions options, PacketSender send)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(send);
        options.Validate();
        _options = options;
        _send = send;
        _time = options.TimeProvider;
        _random = options.Random;
        _random.NextBytes(_cookieSecret);
        _packet = new byte[options.Mtu];
        _maxFragment = (options.Mtu - SctpCommonHeader.Size - DataChunk.HeaderSize) & ~3;
        _rto = new RtoEstimator(options.RtoInitial, options.RtoMin, options.RtoMax);
        _congestion = new Congestion.RenoWindow(options.Mtu - SctpCommonHeader.Size);
        _t1 = new SctpTimer(_time, OnTimer);
        _t2 = new SctpTimer(_time, OnTimer);
        _t3 = new SctpTimer(_time, OnTimer);
        _delayedAck = new SctpTimer(_time, OnTimer);
        _heartbeat = new SctpTimer(_time, OnTimer);
        _reconfigTimer = new SctpTimer(_time, OnTimer);
    }

    /// <summary>Raised once when the association reaches <see cref="AssociationState.Established"/>.</summary>
    public event Action? Established;

    /// <summary>Raised once when the association ends; the argument is null after a graceful shutdown, else the reason.</summary>
    public event Action<string?>? Closed;

    /// <summary>Raised for every whole message, in order per stream for ordered messages.</summary>
    public event MessageHandler? MessageReceived;

    /// <summary>Raised when the peer reset one of its outgoing streams (a data channel closing, RFC 8831 section 6.7).</summary>
    public event Action<ushort>? IncomingStreamReset;

    /// <summary>Raised when one of our outgoing stream resets was acknowledged by the peer.</summary>
    public event Action<ushort>? OutgoingStreamReset;

    /// <summary>Raised when <see cref="BufferedAmount"/> falls to <see cref="BufferedAmountLowThreshold"/> or below.</summary>
    public event Action? BufferedAmountLow;

    /// <summary>The current state.</summary>
    public AssociationState State { get; private set; } = AssociationState.Closed;

    /// <summary>Counters.</summary>
    public AssociationStatistics Statistics { get; } = new();

    /// <summary>The largest user payload one DATA chunk carries at this MTU.</summary>
    public int MaxFragmentSize => _maxFragment;

    /// <summary>The reason the association ended, once it has (null after a graceful shutdown).</summary>
    public string? CloseReason
    {
        get
        {
            lock (_gate)
            {
                return _closeReason;
            }
        }
    }

    /// <summary>Starts the four-way handshake by sending INIT. Both WebRTC peers do this; a collision resolves itself (RFC 9260 section 5.2.1).</summary>
    public void Connect()
    {
        lock (_gate)
        {
            if (State != AssociationState.Closed)
            {
                return;
            }

            _localTag = NewTag();
            InitializeSendSide((uint)_random.NextInt64(0, uint.MaxValue));
            State = AssociationState.CookieWait;
            _initRetransmissions = 0;
            SendInit();
            _t1.Start(_rto.Rto);
        }

        RaiseEvents();
    }

    /// <summary>Processes one packet from the lower layer. Malformed packets are dropped; malformed chunks in an authenticated packet abort the association.</summary>
    // The per-packet path (here, the DTLS record reader and writer, the UDP endpoint) is compiled fully
    // optimised on first use: under tiered compilation it ran unoptimised, then instrumented, for the
    // first seconds of every transfer while the JIT competed for the CPU (docs/webrtc.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnPacket(ReadOnlySpan<byte> packet)
    {
        lock (_gate)
        {
            HandlePacket(packet);
        }

        RaiseEvents();
    }

    /// <summary>Starts a graceful shutdown: outstanding data is delivered first (RFC 9260 section 9.2).</summary>
    public void Shutdown()
    {
        lock (_gate)
        {
            switch (State)
            {
                case AssociationState.Established:
                    State = AssociationState.ShutdownPending;
                    ContinueShutdown();
                    break;
                case AssociationState.CookieWait:
                case AssociationState.CookieEchoed:
                case AssociationState.Closed:
                    Terminate(null);
                    break;
            }
        }

        RaiseEvents();
    }

    /// <summary>Ends the association at once with an ABORT carrying <paramref name="reason"/>.</summary>
    public void Abort(string reason)
    {
        lock (_gate)
        {
            AbortWith(ErrorCauseCode.UserInitiatedAbort, reason);
        }

        RaiseEvents();
    }

    /// <summary>Aborts if still open and releases timers and buffers.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (State != AssociationState.Terminated)
            {
                AbortWith(ErrorCauseCode.UserInitiatedAbort, "disposed");
            }
        }

        RaiseEvents();
        _t1.Dispose();
        _t2.Dispose();
        _t3.Dispose();
        _delayedAck.Dispose();
        _heartbeat.Dispose();
        _reconfigTimer.Dispose();
    }

    private void OnTimer(SctpTimer timer)
    {
        lock (_gate)
        {
            if (State == AssociationState.Terminated || !timer.TakeDue())
            {
                return;
            }

            if (timer == _t1)
            {
                OnInitTimeout();
            }
            else if (timer == _t2)
            {
                OnShutdownTimeout();
            }
            else if (timer == _t3)
            {
                OnRetransmissionTimeout();
            }
            else if (timer == _delayedAck)
            {
                SendSackNow();
            }
            else if (timer == _heartbeat)
            {
                OnHeartbeatTimer();
            }
            else if (timer == _reconfigTimer)
            {
                SendResetRequest();
            }
        }

        RaiseEvents();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void HandlePacket(ReadOnlySpan<byte> packet)
    {
        if (State == AssociationState.Terminated)
        {
            return;
        }

        if (!SctpCommonHeader.TryParse(packet, out var header) || header.DestinationPort != _options.LocalPort)
        {
            Statistics.PacketsDropped++;
            return;
        }

        var chunks = packet[SctpCommonHeader.Size..];
        if (!ChunkHeader.TryParse(chunks, out var first))
        {
            Statistics.PacketsDropped++;
            return;
        }

        if (!TagAccepted(header.VerificationTag, first, chunks))
        {
            Statistics.PacketsDropped++;
            return;
        }

        Statistics.PacketsReceived++;
        _dataInPacket = false;
        while (!chunks.IsEmpty && State != AssociationState.Terminated)
        {
            if (!ChunkHeader.TryParse(chunks, out var chunkHeader))
            {
                ProtocolViolation("malformed chunk header");
                return;
            }

            var chunk = chunks[..chunkHeader.Length];
            if (!HandleChunk(chunkHeader, chunk, header))
            {
                break;
            }

            chunks = chunks[Math.Min(ChunkHeader.Padded(chunkHeader.Length), chunks.Length)..];
        }

        if (_dataInPacket)
        {
            AfterData();
        }

        Flush();
    }

    /// <summary>The verification-tag rules of RFC 9260 section 8.5 and 8.5.1.</summary>
    private bool TagAccepted(uint tag, ChunkHeader first, ReadOnlySpan<byte> chunks)
    {
        switch (first.Type)
        {
            case ChunkType.Init:
                return tag == 0 && first.Length == Math.Min(chunks.Length, first.Length) && ChunkHeader.Padded(first.Length) >= chunks.Length;
            case ChunkType.CookieEcho:
                return true; // checked against the cookie's own tag
            case ChunkType.Abort:
            case ChunkType.ShutdownComplete:
                return (first.Flags & 1) != 0 ? tag == _peerTag && _peerTag != 0 : tag == _localTag && _localTag != 0;
            case ChunkType.ShutdownAck when State is AssociationState.CookieWait or AssociationState.CookieEchoed:
                return tag == _localTag;
            default:
                return tag == _localTag && _localTag != 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HandleChunk(ChunkHeader header, ReadOnlySpan<byte> chunk, SctpCommonHeader packetHeader)
    {
        switch (header.Type)
        {
            case ChunkType.Data:
                if (!DataChunk.TryParse(chunk, out var data))
                {
                    ProtocolViolation("malformed DATA chunk");
                    return false;
                }

                OnData(data);
                return true;
            case ChunkType.Sack:
                if (!SackChunk.TryParse(chunk, out var sack))
                {
                    ProtocolViolation("malformed SACK chunk");
                    return false;
                }

                OnSack(sack);
                return true;
            case ChunkType.Init:
                if (!InitChunk.TryParse(chunk, out var init))
                {
                    ProtocolViolation("malformed INIT chunk");
                    return false;
                }

                OnInit(init);
                return false;
            case ChunkType.InitAck:
                if (!InitAckChunk.TryParse(chunk, out var initAck))
                {
                    ProtocolViolation("malformed INIT ACK chunk");
                    return false;
                }

                OnInitAck(initAck);
                return false;
            case ChunkType.CookieEcho:
                CookieEchoChunk.TryParse(chunk, out var echo);
                return OnCookieEcho(echo, packetHeader.VerificationTag);
            case ChunkType.CookieAck:
                OnCookieAck();
                return true;
            case ChunkType.Heartbeat:
                HeartbeatChunk.TryParse(chunk, out var heartbeat);
                OnHeartbeat(heartbeat);
                return true;
            case ChunkType.HeartbeatAck:
                HeartbeatAckChunk.TryParse(chunk, out var heartbeatAck);
                OnHeartbeatAck(heartbeatAck);
                return true;
            case ChunkType.Abort:
                AbortChunk.TryParse(chunk, out var abort);
                Terminate("the peer aborted: " + ErrorCause.Describe(abort.Causes));
                return false;
            case ChunkType.Shutdown:
                if (!ShutdownChunk.TryParse(chunk, out var shutdown))
                {
                    ProtocolViolation("malformed SHUTDOWN chunk");
                    return false;
                }

                OnShutdown(shutdown);
                return true;
            case ChunkType.ShutdownAck:
                OnShutdownAck();
                return false;
            case ChunkType.ShutdownComplete:
                if (State == AssociationState.ShutdownAckSent)
                {
                    Terminate(null);
                }

                return false;
            case ChunkType.Error:
                return true;
            case ChunkType.ForwardTsn:
                if (!ForwardTsnChunk.TryParse(chunk, out var forward))
                {
                    ProtocolViolation("malformed FORWARD TSN chunk");
                    return false;
                }

                OnForwardTsn(forward);
                return true;
            case ChunkType.Reconfig:
                if (!ReconfigChunk.TryParse(chunk, out var reconfig))
                {
                    ProtocolViolation("malformed RE-CONFIG chunk");
                    return false;
                }

                OnReconfig(reconfig);
                return true;
            default:
                // RFC 9260 section 3.2: the two high bits say whether to skip an unknown chunk or stop.
                return ((byte)header.Type & 0x80) != 0;
        }
    }

    private void ProtocolViolation(string detail)
    {
        if (State is AssociationState.Closed)
        {
            Statistics.PacketsDropped++;
            return;
        }

        AbortWith(ErrorCauseCode.ProtocolViolation, detail);
    }

    private void AbortWith(ErrorCauseCode code, string detail)
    {
        if (State == AssociationState.Terminated)
        {
            return;
        }

        if (_peerTag != 0)
        {
            var length = SctpCommonHeader.Size;
            var causeLength = new ErrorCause(code, detail).WriteTo(_packet.AsSpan(length + ChunkHeader.Size));
            new AbortChunk(false, _packet.AsSpan(length + ChunkHeader.Size, causeLength)).WriteTo(_packet.AsSpan(length));
            SendPacketBuffer(length + ChunkHeader.Size + causeLength, _peerTag);
        }

        Terminate(code == ErrorCauseCode.UserInitiatedAbort ? "aborted: " + detail : code + ": " + detail);
    }

    private void Terminate(string? reason)
    {
        if (State == AssociationState.Terminated)
        {
            return;
        }

        State = AssociationState.Terminated;
        _closeReason = reason;
        _t1.Stop();
        _t2.Stop();
        _t3.Stop();
        _delayedAck.Stop();
        _heartbeat.Stop();
        _reconfigTimer.Stop();
        ReleaseSendSide();
        ReleaseReceiveSide();
    }

    private void BecomeEstablished()
    {
        State = AssociationState.Established;
        _t1.Stop();
        _errorCount = 0;
        _cookieEcho = null;
        _establishedPending = true;
        _heartbeat.Start(_options.HeartbeatInterval);
    }

    private uint NewTag()
    {
        uint tag;
        do
        {
            tag = (uint)_random.NextInt64(1, uint.MaxValue);
        }
        while (tag == 0);
        return tag;
    }

    /// <summary>Seals the packet in <see cref="_packet"/> (chunks already written after the header) and sends it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SendPacketBuffer(int length, uint tag)
    {
        new SctpCommonHeader(_options.LocalPort, _options.RemotePort, tag).WriteTo(_packet);
        SctpCommonHeader.Seal(_packet.AsSpan(0, length));
        Statistics.PacketsSent++;
        _send(_packet.AsSpan(0, length));
    }

    /// <summary>Counts one unanswered retransmission or heartbeat; true (and the association ended) past the limit.</summary>
    private bool CountError(string what)
    {
        _errorCount++;
        if (_errorCount > _options.MaxRetransmissions)
        {
            AbortWith(ErrorCauseCode.ProtocolViolation, $"the peer stopped answering ({what})");
            _closeReason = $"the peer stopped answering ({what} limit of {_options.MaxRetransmissions} reached)";
            return true;
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RaiseEvents()
    {
        DeliverMessages();
        List<(ushort Stream, bool Incoming)>? resets = null;
        bool established, closed, low;
        string? reason;
        lock (_gate)
        {
            if (_resets.Count > 0)
            {
                resets = [.. _resets];
                _resets.Clear();
            }

            established = _establishedPending;
            _establishedPending = false;
            closed = State == AssociationState.Terminated && !_closeRaised;
            _closeRaised |= closed;
            reason = _closeReason;
            low = _bufferedLowPending;
            _bufferedLowPending = false;
        }

        if (established)
        {
            Established?.Invoke();
        }

        if (resets is not null)
        {
            foreach (var (stream, incoming) in resets)
            {
                (incoming ? IncomingStreamReset : OutgoingStreamReset)?.Invoke(stream);
            }
        }

        if (low)
        {
            BufferedAmountLow?.Invoke();
        }

        if (closed)
        {
            Closed?.Invoke(reason);
        }
    }

    /// <summary>
    /// Hands completed messages to <see cref="MessageReceived"/>. One thread at a time, in the order they
    /// were completed, so a timer thread and the receiving thread never deliver concurrently.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DeliverMessages()
    {
        lock (_deliveryGate)
        {
            while (true)
            {
                List<Delivery> batch;
                lock (_gate)
                {
                    if (_deliveries.Count == 0)
                    {
                        return;
                    }

                    batch = _deliveries;
                    _deliveries = _spareDeliveries;
                    _spareDeliveries = batch;
                }

                try
                {
                    foreach (var delivery in batch)
                    {
                        MessageReceived?.Invoke(delivery.Stream, delivery.Ppid, delivery.Buffer.AsSpan(0, delivery.Length));
                    }
                }
                finally
                {
                    foreach (var delivery in batch)
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(delivery.Buffer);
                    }

                    batch.Clear();
                }
            }
        }
    }

    private readonly record struct Delivery(ushort Stream, uint Ppid, byte[] Buffer, int Length);
}
