using System.Runtime.CompilerServices;
using Mesh.Transport.Sctp.Chunks;

namespace Mesh.Transport.Sctp;

/// <summary>
/// The send side: fragmentation, TSN assignment, the congestion and receiver windows, SACK processing
/// with gap blocks and miss indications, fast retransmit and T3-rtx (RFC 9260 sections 6 and 7).
/// </summary>
public sealed partial class Association
{
    private readonly Queue<OutboundChunk> _pending = new();
    private readonly ChunkRing<OutboundChunk> _inflight = new();
    private readonly Stack<OutboundChunk> _chunkPool = new();
    private readonly Dictionary<ushort, ushort> _outboundSsn = [];
    private readonly RtoEstimator _rto;
    private readonly Congestion.RenoWindow _congestion;

    private uint _localInitialTsn;
    private uint _nextTsn;
    private uint _cumulativeAckPoint;
    private long _bufferedBytes;
    private int _flightSize;
    private long _peerWindow;
    private int _markedForRetransmission;
    private bool _fastRetransmitPending;
    private bool _rttMeasuring;
    private uint _rttTsn;
    private long _rttSentAt;
    private bool _bufferedLowPending;
    private bool _aboveLowThreshold;

    /// <summary>User bytes queued or sent but not yet acknowledged.</summary>
    public long BufferedAmount
    {
        get
        {
            lock (_gate)
            {
                return _bufferedBytes;
            }
        }
    }

    /// <summary>The level at or below which <see cref="BufferedAmountLow"/> is raised after having been above it.</summary>
    public long BufferedAmountLowThreshold { get; set; } = 1024 * 1024;

    /// <summary>The current congestion window, for tests and statistics.</summary>
    public int CongestionWindow
    {
        get
        {
            lock (_gate)
            {
                return _congestion.Cwnd;
            }
        }
    }

    /// <summary>The smoothed round-trip time.</summary>
    public TimeSpan SmoothedRtt
    {
        get
        {
            lock (_gate)
            {
                return _rto.SmoothedRtt;
            }
        }
    }

    /// <summary>
    /// Queues one message for reliable delivery on <paramref name="streamId"/>, fragmenting it as needed.
    /// It may be queued before the association is established. An empty message cannot be carried by
    /// SCTP (data channels encode it with a one-byte payload and their own PPID).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public SendStatus TrySend(ushort streamId, uint ppid, ReadOnlySpan<byte> message, bool unordered = false)
    {
        if (message.IsEmpty)
        {
            throw new ArgumentException("SCTP cannot carry an empty message.", nameof(message));
        }

        lock (_gate)
        {
            if (State is not (AssociationState.Closed or AssociationState.CookieWait or AssociationState.CookieEchoed or AssociationState.Established))
            {
                return SendStatus.Closed;
            }

            if (_bufferedBytes > 0 && _bufferedBytes + message.Length > _options.SendBufferLimit)
            {
                return SendStatus.BufferFull;
            }

            ushort ssn = 0;
            if (!unordered)
            {
                _outboundSsn.TryGetValue(streamId, out ssn);
                _outboundSsn[streamId] = (ushort)(ssn + 1);
            }

            var offset = 0;
            while (offset < message.Length)
            {
                var size = Math.Min(_maxFragment, message.Length - offset);
                byte flags = unordered ? DataChunk.UnorderedFlag : (byte)0;
                if (offset == 0)
                {
                    flags |= DataChunk.BeginningFlag;
                }

                if (offset + size == message.Length)
                {
                    flags |= DataChunk.EndingFlag;
                }

                var chunk = _chunkPool.Count > 0 ? _chunkPool.Pop() : new OutboundChunk();
                chunk.Fill(streamId, ssn, ppid, flags, message.Slice(offset, size));
                _pending.Enqueue(chunk);
                offset += size;
            }

            _bufferedBytes += message.Length;
            _aboveLowThreshold |= _bufferedBytes > BufferedAmountLowThreshold;
            if (State == AssociationState.Established)
            {
                Flush();
            }
        }

        RaiseEvents();
        return SendStatus.Queued;
    }

    private void InitializeSendSide(uint initialTsn)
    {
        _localInitialTsn = initialTsn;
        _nextTsn = initialTsn;
        _cumulativeAckPoint = initialTsn - 1;
        _reconfigRequestSequence = initialTsn;
    }

    private void ReleaseSendSide()
    {
        while (_pending.Count > 0)
        {
            _pending.Dequeue().Release();
        }

        while (_inflight.Count > 0)
        {
            _inflight.RemoveHead().Release();
        }

        _bufferedBytes = 0;
        _flightSize = 0;
    }

    /// <summary>Sends what the windows allow: a pending SACK, marked retransmissions, then new data, bundled into as few packets as fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Flush()
    {
        if (State is not (AssociationState.Established or AssociationState.ShutdownPending or AssociationState.ShutdownReceived or AssociationState.ShutdownSent))
        {
            return;
        }

        var length = SctpCommonHeader.Size;
        if (_sackRequired)
        {
            length += WriteSack(_packet.AsSpan(length));
        }

        if (_markedForRetransmission > 0)
        {
            var budget = _fastRetransmitPending ? 1 : 0; // a fast retransmit may exceed cwnd by one packet
            for (var i = 0; i < _inflight.Count && _markedForRetransmission > 0; i++)
            {
                var chunk = _inflight[i];
                if (!chunk.Retransmit)
                {
                    continue;
                }

                var size = ChunkHeader.Padded(DataChunk.HeaderSize + chunk.Length);
                if (length + size > _packet.Length)
                {
                    SendPacketBuffer(length, _peerTag);
                    length = SctpCommonHeader.Size;
                    budget = 0;
                }

                if (_flightSize >= _congestion.Cwnd && budget == 0 && length == SctpCommonHeader.Size)
                {
                    break;
                }

                length += WriteData(chunk, length);
                chunk.Retransmit = false;
                _markedForRetransmission--;
                chunk.Transmissions++;
                Statistics.Retransmissions++;
                AddToFlight(chunk);
            }

            _fastRetransmitPending = false;
        }

        while (_pending.Count > 0 && State is AssociationState.Established or AssociationState.ShutdownPending or AssociationState.ShutdownReceived)
        {
            var chunk = _pending.Peek();
            if (_flightSize >= _congestion.Cwnd || (_peerWindow < chunk.Length && _flightSize > 0))
            {
                break;
            }

            var size = ChunkHeader.Padded(DataChunk.HeaderSize + chunk.Length);
            if (length + size > _packet.Length)
            {
                SendPacketBuffer(length, _peerTag);
                length = SctpCommonHeader.Size;
            }

            _pending.Dequeue();
            chunk.Tsn = _nextTsn++;
            _inflight.Add(chunk);
            length += WriteData(chunk, length);
            chunk.Transmissions = 1;
            Statistics.DataChunksSent++;
            AddToFlight(chunk);
            if (!_rttMeasuring)
            {
                _rttMeasuring = true;
                _rttTsn = chunk.Tsn;
                _rttSentAt = _time.GetTimestamp();
            }
        }

        if (length > SctpCommonHeader.Size)
        {
            SendPacketBuffer(length, _peerTag);
        }

        if (_flightSize > 0 && !_t3.IsRunning)
        {
            _t3.Start(_rto.Rto);
        }

        if (State == AssociationState.ShutdownPending || State == AssociationState.ShutdownReceived)
        {
            ContinueShutdown();
        }
    }

    private int WriteData(OutboundChunk chunk, int offset)
    {
        return new DataChunk(chunk.Flags, chunk.Tsn, chunk.StreamId, chunk.Ssn, chunk.Ppid, chunk.Data).WriteTo(_packet.AsSpan(offset));
    }

    private void AddToFlight(OutboundChunk chunk)
    {
        if (!chunk.InFlight)
        {
            chunk.InFlight = true;
            _flightSize += chunk.Length;
        }

        _peerWindow = Math.Max(0, _peerWindow - chunk.Length);
    }

    private void RemoveFromFlight(OutboundChunk chunk)
    {
        if (chunk.InFlight)
        {
            chunk.InFlight = false;
            _flightSize -= chunk.Length;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnSack(SackChunk sack)
    {
        if (State is not (AssociationState.Established or AssociationState.ShutdownPending or AssociationState.ShutdownReceived or AssociationState.ShutdownSent))
        {
            return;
        }

        var cumulative = sack.CumulativeTsnAck;
        if (SerialNumber.Less(cumulative, _cumulativeAckPoint))
        {
            return; // older than one already processed
        }

        if (SerialNumber.GreaterOrEqual(cumulative, _nextTsn))
        {
            ProtocolViolation("SACK acknowledges a TSN never sent");
            return;
        }

        var flightBefore = _flightSize;
        var bytesAcked = 0;
        var advanced = SerialNumber.Greater(cumulative, _cumulativeAckPoint);
        while (_inflight.Count > 0 && SerialNumber.LessOrEqual(_inflight[0].Tsn, cumulative))
        {
            var chunk = _inflight.RemoveHead();
            if (!chunk.Acked)
            {
                bytesAcked += chunk.Length;
            }

            if (_rttMeasuring && chunk.Tsn == _rttTsn)
            {
                _rttMeasuring = false;
                if (chunk.Transmissions == 1)
                {
                    _rto.Measure(_time.GetElapsedTime(_rttSentAt));
                }
            }

            ReleaseAcked(chunk);
        }

        _cumulativeAckPoint = cumulative;
        var highestNewlyAcked = cumulative;
        for (var g = 0; g < sack.GapCount; g++)
        {
            var gap = sack.Gap(g);
            var end = Math.Min((int)gap.End, _inflight.Count);
            for (int offset = gap.Start; offset <= end; offset++)
            {
                var chunk = _inflight[offset - 1];
                if (chunk.Acked)
                {
                    continue;
                }

                chunk.Acked = true;
                bytesAcked += chunk.Length;
                RemoveFromFlight(chunk);
                if (chunk.Retransmit)
                {
                    chunk.Retransmit = false;
                    _markedForRetransmission--;
                }

                highestNewlyAcked = chunk.Tsn;
            }
        }

        if (sack.GapCount > 0)
        {
            CountMisses(highestNewlyAcked);
        }

        if (advanced)
        {
            _errorCount = 0;
            _congestion.OnCumulativeAck(bytesAcked, flightBefore, cumulative);
        }

        _peerWindow = Math.Max(0, (long)sack.AdvertisedWindow - _flightSize);
        if (_inflight.Count == 0)
        {
            _t3.Stop();
        }
        else if (advanced)
        {
            _t3.Start(_rto.Rto);
        }

        if (_aboveLowThreshold && _bufferedBytes <= BufferedAmountLowThreshold)
        {
            _aboveLowThreshold = false;
            _bufferedLowPending = true;
        }
    }

    /// <summary>Miss indications with the HTNA rule (RFC 9260 section 7.2.4): three of them trigger a fast retransmit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CountMisses(uint highestNewlyAcked)
    {
        for (var i = 0; i < _inflight.Count; i++)
        {
            var chunk = _inflight[i];
            if (!SerialNumber.Less(chunk.Tsn, highestNewlyAcked))
            {
                break;
            }

            if (chunk.Acked || chunk.Retransmit || chunk.FastRetransmitted)
            {
                continue;
            }

            if (++chunk.Misses >= 3)
            {
                _congestion.OnFastRetransmit(_nextTsn - 1);
                chunk.FastRetransmitted = true;
                chunk.Retransmit = true;
                _markedForRetransmission++;
                RemoveFromFlight(chunk);
                _fastRetransmitPending = true;
                _rttMeasuring = false;
                Statistics.FastRetransmissions++;
            }
        }
    }

    private void ReleaseAcked(OutboundChunk chunk)
    {
        RemoveFromFlight(chunk);
        if (chunk.Retransmit)
        {
            _markedForRetransmission--;
        }

        _bufferedBytes -= chunk.Length;
        chunk.Release();
        _chunkPool.Push(chunk);
    }

    private void OnRetransmissionTimeout()
    {
        if (_inflight.Count == 0)
        {
            return;
        }

        Statistics.Timeouts++;
        if (CountError("T3-rtx"))
        {
            return;
        }

        _congestion.OnTimeout();
        _rto.BackOff();
        _rttMeasuring = false;
        for (var i = 0; i < _inflight.Count; i++)
        {
            var chunk = _inflight[i];
            if (chunk.Acked)
            {
                continue;
            }

            RemoveFromFlight(chunk);
            if (!chunk.Retransmit)
            {
                chunk.Retransmit = true;
                _markedForRetransmission++;
            }
        }

        _t3.Start(_rto.Rto);
        Flush();
    }
}
