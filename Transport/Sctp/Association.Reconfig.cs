using Mesh.Transport.Sctp.Chunks;
using Mesh.Transport.Sctp.Parameters;

namespace Mesh.Transport.Sctp;

/// <summary>
/// Stream reset (RFC 6525), which data channels use to close (RFC 8831 section 6.7): outgoing SSN reset
/// requests sent and answered. A request is sent only once no queued data remains, so the peer can
/// deliver everything up to the request's last TSN before it resets its side.
/// </summary>
public sealed partial class Association
{
    private readonly List<ushort> _resetQueue = [];
    private readonly List<(ushort Stream, bool Incoming)> _resets = [];
    private ushort[]? _resetInFlight;
    private uint _reconfigRequestSequence;
    private uint _peerReconfigSequence;

    /// <summary>Resets an outgoing stream: the peer sees it end, and its sequence numbers restart (closing a data channel).</summary>
    public void ResetStream(ushort streamId)
    {
        lock (_gate)
        {
            if (State != AssociationState.Established)
            {
                return;
            }

            if (!_resetQueue.Contains(streamId))
            {
                _resetQueue.Add(streamId);
            }

            SendResetRequest();
        }

        RaiseEvents();
    }

    private void SendResetRequest()
    {
        if (State != AssociationState.Established)
        {
            return;
        }

        if (_resetInFlight is null)
        {
            if (_resetQueue.Count == 0 || _pending.Count > 0)
            {
                if (_resetQueue.Count > 0)
                {
                    _reconfigTimer.Start(_rto.Rto); // try again once queued data has gone out
                }

                return;
            }

            _resetInFlight = [.. _resetQueue];
            _resetQueue.Clear();
        }

        var offset = SctpCommonHeader.Size;
        Span<byte> parameter = stackalloc byte[16 + _resetInFlight.Length * 2 + 4];
        var parameterLength = OutgoingResetRequest.Write(parameter, _reconfigRequestSequence, _peerReconfigSequence - 1, _nextTsn - 1, _resetInFlight);
        var length = new ReconfigChunk(parameter[..parameterLength]).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, _peerTag);
        _reconfigTimer.Start(_rto.Rto);
    }

    private void OnReconfig(ReconfigChunk reconfig)
    {
        var reader = new ParameterReader(reconfig.Parameters);
        while (reader.MoveNext())
        {
            var parameter = reader.Current;
            if (parameter.Type == (ushort)ParameterType.OutgoingSsnResetRequest && OutgoingResetRequest.TryParse(parameter.Value, out var request))
            {
                SendReconfigResponse(new ReconfigResponse(request.RequestSequence, OnResetRequest(request)));
            }
            else if (parameter.Type == (ushort)ParameterType.IncomingSsnResetRequest && parameter.Value.Length >= 4)
            {
                var sequence = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(parameter.Value);
                SendReconfigResponse(new ReconfigResponse(sequence, ReconfigResult.Denied));
            }
            else if (parameter.Type == (ushort)ParameterType.ReconfigResponse && ReconfigResponse.TryParse(parameter.Value, out var response))
            {
                OnReconfigResponse(response);
            }
        }
    }

    private ReconfigResult OnResetRequest(OutgoingResetRequest request)
    {
        if (request.RequestSequence == _peerReconfigSequence - 1)
        {
            return ReconfigResult.SuccessPerformed; // a retransmission of one already performed
        }

        if (request.RequestSequence != _peerReconfigSequence)
        {
            return ReconfigResult.ErrorBadSequenceNumber;
        }

        if (SerialNumber.Greater(request.LastTsn, _peerCumulativeTsn))
        {
            return ReconfigResult.InProgress; // data before the reset is still missing; the peer asks again
        }

        _peerReconfigSequence++;
        if (request.StreamCount == 0)
        {
            foreach (var (streamId, stream) in _inboundStreams)
            {
                stream.NextSsn = 0;
                _resets.Add((streamId, true));
            }
        }

        for (var i = 0; i < request.StreamCount; i++)
        {
            var streamId = request.Stream(i);
            if (_inboundStreams.TryGetValue(streamId, out var stream))
            {
                stream.NextSsn = 0;
            }

            _resets.Add((streamId, true));
        }

        return ReconfigResult.SuccessPerformed;
    }

    private void OnReconfigResponse(ReconfigResponse response)
    {
        if (_resetInFlight is null || response.ResponseSequence != _reconfigRequestSequence)
        {
            return;
        }

        if (response.Result == ReconfigResult.InProgress)
        {
            return; // the timer sends the request again
        }

        _reconfigTimer.Stop();
        if (response.Result is ReconfigResult.SuccessPerformed or ReconfigResult.SuccessNothingToDo)
        {
            foreach (var streamId in _resetInFlight)
            {
                _outboundSsn.Remove(streamId);
                _resets.Add((streamId, false));
            }
        }

        _reconfigRequestSequence++;
        _resetInFlight = null;
        if (_resetQueue.Count > 0)
        {
            SendResetRequest();
        }
    }

    private void SendReconfigResponse(ReconfigResponse response)
    {
        var offset = SctpCommonHeader.Size;
        Span<byte> parameter = stackalloc byte[12];
        var parameterLength = response.WriteTo(parameter);
        var length = new ReconfigChunk(parameter[..parameterLength]).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, _peerTag);
    }
}
