using System.Buffers;
using System.Runtime.CompilerServices;
using Mesh.Transport.Net;
using Mesh.Transport.Sctp.Chunks;

namespace Mesh.Transport.Sctp;

/// <summary>
/// The receive side: TSN tracking with gap blocks and duplicates, the advertised window, reassembly,
/// ordered and unordered delivery, delayed SACKs and FORWARD TSN (RFC 9260 section 6, RFC 3758).
/// </summary>
public sealed partial class Association
{
    private readonly bool[] _received = new bool[TrackedTsns];
    private readonly Dictionary<ushort, InboundStream> _inboundStreams = [];
    private readonly Stack<InboundChunk> _inboundPool = new();
    private readonly uint[] _duplicates = new uint[MaxDuplicates];
    private readonly GapAckBlock[] _gapScratch = new GapAckBlock[MaxGapBlocks];
    private List<Delivery> _deliveries = [];
    private List<Delivery> _spareDeliveries = [];
    private uint _peerCumulativeTsn;
    private uint _highestReceived;
    private int _duplicateCount;
    private long _receiveBuffered;
    private bool _sackRequired;
    private bool _dataInPacket;
    private bool _sackImmediately;
    private int _packetsSinceSack;
    private bool _sackDeferred;
    private Action? _sendDeferredSack;

    private void InitializeReceiveSide(uint peerInitialTsn)
    {
        _peerCumulativeTsn = peerInitialTsn - 1;
        _highestReceived = _peerCumulativeTsn;
        _peerReconfigSequence = peerInitialTsn;
        Array.Clear(_received);
    }

    private void ReleaseReceiveSide()
    {
        foreach (var stream in _inboundStreams.Values)
        {
            foreach (var chunk in stream.Ordered)
            {
                chunk.Release();
            }

            foreach (var chunk in stream.Unordered)
            {
                chunk.Release();
            }

            stream.Ordered.Clear();
            stream.Unordered.Clear();
        }

        _receiveBuffered = 0;
    }

    private uint AdvertisedWindow => (uint)Math.Max(0, ReceiveWindow - _receiveBuffered);

    private int ReceiveWindow => Math.Max(_options.ReceiveWindow, _options.MaxReceiveMessageSize + 4 * _options.Mtu);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnData(DataChunk data)
    {
        if (State is not (AssociationState.Established or AssociationState.ShutdownPending or AssociationState.ShutdownSent))
        {
            return;
        }

        _dataInPacket = true;
        var tsn = data.Tsn;
        var ahead = tsn - _peerCumulativeTsn; // 1 for the next expected TSN
        if (SerialNumber.LessOrEqual(tsn, _peerCumulativeTsn) || (ahead < TrackedTsns && _received[tsn & (TrackedTsns - 1)]))
        {
            Statistics.DuplicatesReceived++;
            if (_duplicateCount < MaxDuplicates)
            {
                _duplicates[_duplicateCount++] = tsn;
            }

            _sackImmediately = true;
            return;
        }

        if (ahead >= TrackedTsns)
        {
            return; // beyond what is tracked; the sender will send it again
        }

        // Over the window, drop anything but the next expected TSN: that one can always complete or
        // advance something, so a full buffer never deadlocks.
        if (_receiveBuffered + data.UserData.Length > ReceiveWindow && ahead != 1)
        {
            _sackImmediately = true;
            return;
        }

        if (!_inboundStreams.TryGetValue(data.StreamId, out var stream))
        {
            stream = new InboundStream();
            _inboundStreams[data.StreamId] = stream;
        }

        if (!data.Unordered && SerialNumber.Less(data.Ssn, stream.NextSsn))
        {
            // A message this stream already delivered, under a new TSN: a protocol violation by the
            // peer, but harmless to drop after acknowledging the TSN.
            MarkReceived(tsn);
            return;
        }

        var chunk = _inboundPool.Count > 0 ? _inboundPool.Pop() : new InboundChunk();
        chunk.Fill(data);
        _receiveBuffered += chunk.Length;
        InboundStream.Insert(data.Unordered ? stream.Unordered : stream.Ordered, chunk);
        MarkReceived(tsn);
        if (data.Unordered)
        {
            DeliverUnordered(data.StreamId, stream);
        }
        else
        {
            DeliverOrdered(data.StreamId, stream);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MarkReceived(uint tsn)
    {
        if (tsn == _peerCumulativeTsn + 1)
        {
            _peerCumulativeTsn = tsn;
            while (_received[(_peerCumulativeTsn + 1) & (TrackedTsns - 1)])
            {
                _peerCumulativeTsn++;
                _received[_peerCumulativeTsn & (TrackedTsns - 1)] = false;
            }
        }
        else
        {
            _received[tsn & (TrackedTsns - 1)] = true;
            _sackImmediately = true; // out of order: report the gap at once (RFC 9260 section 6.7)
        }

        if (SerialNumber.Greater(tsn, _highestReceived))
        {
            _highestReceived = tsn;
        }

        if (SerialNumber.Less(_highestReceived, _peerCumulativeTsn))
        {
            _highestReceived = _peerCumulativeTsn;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DeliverOrdered(ushort streamId, InboundStream stream)
    {
        var list = stream.Ordered;
        while (list.Count > 0)
        {
            var first = list[0];
            if (first.Ssn != stream.NextSsn || !first.Beginning)
            {
                return;
            }

            var count = CompleteRun(list, 0);
            if (count == 0)
            {
                return;
            }

            if (!Deliver(streamId, list, 0, count))
            {
                return;
            }

            stream.NextSsn++;
        }
    }

    private void DeliverUnordered(ushort streamId, InboundStream stream)
    {
        var list = stream.Unordered;
        var i = 0;
        while (i < list.Count)
        {
            var count = list[i].Beginning ? CompleteRun(list, i) : 0;
            if (count == 0)
            {
                i++;
                continue;
            }

            if (!Deliver(streamId, list, i, count))
            {
                return;
            }
        }
    }

    /// <summary>The number of fragments from <paramref name="start"/> forming a whole message (consecutive TSNs ending with E), or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CompleteRun(List<InboundChunk> list, int start)
    {
        var tsn = list[start].Tsn;
        for (var i = start; i < list.Count; i++)
        {
            var chunk = list[i];
            if (chunk.Tsn != tsn + (uint)(i - start) || (i > start && chunk.Beginning))
            {
                return 0;
            }

            if (chunk.Ending)
            {
                return i - start + 1;
            }
        }

        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Deliver(ushort streamId, List<InboundChunk> list, int start, int count)
    {
        var total = 0;
        for (var i = start; i < start + count; i++)
        {
            total += list[i].Length;
        }

        if (total > _options.MaxReceiveMessageSize)
        {
            AbortWith(ErrorCauses.ErrorCauseCode.OutOfResource, $"message of {total} bytes exceeds the limit of {_options.MaxReceiveMessageSize}");
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
        var offset = 0;
        var ppid = list[start].Ppid;
        for (var i = start; i < start + count; i++)
        {
            var chunk = list[i];
            chunk.Buffer.AsSpan(0, chunk.Length).CopyTo(buffer.AsSpan(offset));
            offset += chunk.Length;
            chunk.Release();
            _inboundPool.Push(chunk);
        }

        list.RemoveRange(start, count);
        _receiveBuffered -= total;
        _deliveries.Add(new Delivery(streamId, ppid, buffer, total));
        return true;
    }

    /// <summary>
    /// Decides after a packet with DATA whether to SACK now or later: every second packet (RFC 9260
    /// section 6.2), except within a burst of input the lower layer is still delivering (an open
    /// <see cref="DatagramBatch"/>: a run of datagrams read in one system call), where one SACK answers
    /// up to <see cref="BurstSackInterval"/> packets, sent when the burst ends. A SACK is a datagram to
    /// encrypt and send and one for the peer to receive and decrypt, as costly as a DATA packet; one per
    /// two packets made a third of all records. Gaps, duplicates and a nearly full window are reported at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AfterData()
    {
        _packetsSinceSack++;
        var interval = DatagramBatch.IsOpen ? BurstSackInterval : 2;
        if (_sackImmediately || _packetsSinceSack >= interval || State != AssociationState.Established || AdvertisedWindow < 4 * _options.Mtu)
        {
            _sackRequired = true;
            _delayedAck.Stop();
        }
        else if (_packetsSinceSack >= 2)
        {
            if (!_sackDeferred)
            {
                _sackDeferred = true;
                DatagramBatch.AtEnd(_sendDeferredSack ??= SendDeferredSack);
            }
        }
        else if (!_delayedAck.IsRunning)
        {
            _delayedAck.Start(_options.DelayedAckTimeout);
        }
    }

    /// <summary>The SACK a burst of input put off until the burst ended, unless one went out since.</summary>
    private void SendDeferredSack()
    {
        lock (_gate)
        {
            _sackDeferred = false;
            if (_packetsSinceSack > 0)
            {
                SendSackNow();
            }
        }

        RaiseEvents();
    }

    private void SendSackNow()
    {
        if (State is AssociationState.Terminated or AssociationState.Closed or AssociationState.CookieWait)
        {
            return;
        }

        _sackRequired = true;
        Flush();
        if (_sackRequired)
        {
            var length = SctpCommonHeader.Size + WriteSack(_packet.AsSpan(SctpCommonHeader.Size));
            SendPacketBuffer(length, _peerTag);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int WriteSack(Span<byte> destination)
    {
        var gaps = 0;
        var span = _highestReceived - _peerCumulativeTsn;
        var inRun = false;
        ushort runStart = 0;
        for (uint offset = 1; offset <= span && offset < TrackedTsns; offset++)
        {
            var received = _received[(_peerCumulativeTsn + offset) & (TrackedTsns - 1)];
            if (received && !inRun)
            {
                inRun = true;
                runStart = (ushort)Math.Min(offset, ushort.MaxValue);
            }
            else if (!received && inRun)
            {
                inRun = false;
                if (gaps < MaxGapBlocks)
                {
                    _gapScratch[gaps++] = new GapAckBlock(runStart, (ushort)Math.Min(offset - 1, ushort.MaxValue));
                }
            }
        }

        if (inRun && gaps < MaxGapBlocks)
        {
            _gapScratch[gaps++] = new GapAckBlock(runStart, (ushort)Math.Min(span, ushort.MaxValue));
        }

        var length = SackChunk.Write(destination, _peerCumulativeTsn, AdvertisedWindow, _gapScratch.AsSpan(0, gaps), _duplicates.AsSpan(0, _duplicateCount));
        _duplicateCount = 0;
        _sackRequired = false;
        _sackImmediately = false;
        _packetsSinceSack = 0;
        _delayedAck.Stop();
        return length;
    }

    private void OnForwardTsn(ForwardTsnChunk forward)
    {
        if (State is not (AssociationState.Established or AssociationState.ShutdownPending or AssociationState.ShutdownSent))
        {
            return;
        }

        _dataInPacket = true;
        _sackImmediately = true;
        var newCumulative = forward.NewCumulativeTsn;
        if (SerialNumber.LessOrEqual(newCumulative, _peerCumulativeTsn))
        {
            return;
        }

        if (newCumulative - _peerCumulativeTsn >= TrackedTsns)
        {
            Array.Clear(_received);
        }
        else
        {
            for (var tsn = _peerCumulativeTsn + 1; tsn != newCumulative + 1; tsn++)
            {
                _received[tsn & (TrackedTsns - 1)] = false;
            }
        }

        _peerCumulativeTsn = newCumulative;
        while (_received[(_peerCumulativeTsn + 1) & (TrackedTsns - 1)])
        {
            _peerCumulativeTsn++;
            _received[_peerCumulativeTsn & (TrackedTsns - 1)] = false;
        }

        if (SerialNumber.Less(_highestReceived, _peerCumulativeTsn))
        {
            _highestReceived = _peerCumulativeTsn;
        }

        // Abandoned fragments at or below the new cumulative TSN can never complete.
        foreach (var stream in _inboundStreams.Values)
        {
            DropThrough(stream.Unordered, newCumulative, null);
        }

        for (var i = 0; i < forward.StreamCount; i++)
        {
            var (streamId, ssn) = forward.Stream(i);
            if (_inboundStreams.TryGetValue(streamId, out var stream))
            {
                DropThrough(stream.Ordered, newCumulative, ssn);
                if (SerialNumber.LessOrEqual(stream.NextSsn, ssn))
                {
                    stream.NextSsn = (ushort)(ssn + 1);
                }

                DeliverOrdered(streamId, stream);
            }
            else
            {
                _inboundStreams[streamId] = new InboundStream { NextSsn = (ushort)(ssn + 1) };
            }
        }

        foreach (var (streamId, stream) in _inboundStreams)
        {
            DeliverUnordered(streamId, stream);
        }
    }

    private void DropThrough(List<InboundChunk> list, uint cumulative, ushort? lastSsn)
    {
        for (var i = list.Count - 1; i >= 0; i--)
        {
            var chunk = list[i];
            var abandoned = SerialNumber.LessOrEqual(chunk.Tsn, cumulative) || (lastSsn is { } ssn && SerialNumber.LessOrEqual(chunk.Ssn, ssn));
            if (abandoned)
            {
                _receiveBuffered -= chunk.Length;
                chunk.Release();
                _inboundPool.Push(chunk);
                list.RemoveAt(i);
            }
        }
    }
}
