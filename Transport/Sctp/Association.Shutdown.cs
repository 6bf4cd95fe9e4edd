using Mesh.Transport.Sctp.Chunks;

namespace Mesh.Transport.Sctp;

/// <summary>Graceful shutdown (RFC 9260 section 9.2): SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE, after all data is acknowledged.</summary>
public sealed partial class Association
{
    private void ContinueShutdown()
    {
        if (_pending.Count > 0 || _inflight.Count > 0)
        {
            return;
        }

        if (State == AssociationState.ShutdownPending)
        {
            State = AssociationState.ShutdownSent;
            SendShutdown();
            _t2.Start(_rto.Rto);
        }
        else if (State == AssociationState.ShutdownReceived)
        {
            State = AssociationState.ShutdownAckSent;
            SendShutdownAck();
            _t2.Start(_rto.Rto);
        }
    }

    private void SendShutdown()
    {
        var offset = SctpCommonHeader.Size;
        var length = new ShutdownChunk(_peerCumulativeTsn).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, _peerTag);
    }

    private void SendShutdownAck()
    {
        var offset = SctpCommonHeader.Size;
        var length = new ShutdownAckChunk(false).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, _peerTag);
    }

    private void OnShutdown(ShutdownChunk shutdown)
    {
        switch (State)
        {
            case AssociationState.Established:
            case AssociationState.ShutdownPending:
            case AssociationState.ShutdownReceived:
                AcknowledgeThrough(shutdown.CumulativeTsnAck);
                if (State != AssociationState.Terminated)
                {
                    State = AssociationState.ShutdownReceived;
                    _heartbeat.Stop();
                }

                break;
            case AssociationState.ShutdownSent:
                State = AssociationState.ShutdownAckSent;
                SendShutdownAck();
                _t2.Start(_rto.Rto);
                break;
            case AssociationState.ShutdownAckSent:
                SendShutdownAck();
                break;
        }
    }

    /// <summary>SHUTDOWN carries a cumulative TSN ack; it is processed as a SACK without gaps.</summary>
    private void AcknowledgeThrough(uint cumulative)
    {
        Span<byte> sack = stackalloc byte[SackChunk.LengthFor(0, 0)];
        SackChunk.Write(sack, cumulative, (uint)Math.Min(uint.MaxValue, _peerWindow + _flightSize), default, default);
        if (SackChunk.TryParse(sack, out var parsed))
        {
            OnSack(parsed);
        }
    }

    private void OnShutdownAck()
    {
        if (State is AssociationState.ShutdownSent or AssociationState.ShutdownAckSent)
        {
            var offset = SctpCommonHeader.Size;
            var length = new ShutdownCompleteChunk(false).WriteTo(_packet.AsSpan(offset));
            SendPacketBuffer(offset + length, _peerTag);
            Terminate(null);
        }
    }

    private void OnShutdownTimeout()
    {
        if (State is not (AssociationState.ShutdownSent or AssociationState.ShutdownAckSent) || CountError("shutdown"))
        {
            return;
        }

        _rto.BackOff();
        if (State == AssociationState.ShutdownSent)
        {
            SendShutdown();
        }
        else
        {
            SendShutdownAck();
        }

        _t2.Start(_rto.Rto);
    }
}
