using System.Buffers.Binary;
using Mesh.Transport.Sctp.Chunks;
using Mesh.Transport.Sctp.Parameters;

namespace Mesh.Transport.Sctp;

/// <summary>The four-way handshake: INIT, INIT ACK with a signed cookie, COOKIE ECHO, COOKIE ACK (RFC 9260 section 5).</summary>
public sealed partial class Association
{
    private static readonly byte[] SupportedExtensionsValue = [(byte)ChunkType.ForwardTsn, (byte)ChunkType.Reconfig];

    private bool _peerForwardTsn;

    private int WriteInitParameters(Span<byte> destination, ReadOnlySpan<byte> cookie)
    {
        var length = 0;
        if (!cookie.IsEmpty)
        {
            length += Parameter.Write(destination, (ushort)ParameterType.StateCookie, cookie);
        }

        length += Parameter.Write(destination[length..], (ushort)ParameterType.SupportedExtensions, SupportedExtensionsValue);
        length += Parameter.Write(destination[length..], (ushort)ParameterType.ForwardTsnSupported, default);
        return length;
    }

    private void SendInit()
    {
        var offset = SctpCommonHeader.Size;
        Span<byte> parameters = stackalloc byte[64];
        var parametersLength = WriteInitParameters(parameters, default);
        var fields = new InitFields(_localTag, (uint)ReceiveWindow, _options.Streams, _options.Streams, _localInitialTsn, parameters[..parametersLength]);
        var length = new InitChunk(fields).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, 0);
    }

    private void OnInit(InitChunk init)
    {
        var fields = init.Fields;
        if (State is AssociationState.ShutdownAckSent)
        {
            return;
        }

        // Closed: answer statelessly with a fresh tag. Otherwise (a collision, or a peer that restarted
        // its handshake) answer with the tag and TSN already chosen, so either cookie leads to one association.
        var closed = State == AssociationState.Closed;
        var localTag = closed ? NewTag() : _localTag;
        var localTsn = closed ? (uint)_random.NextInt64(0, uint.MaxValue) : _localInitialTsn;
        var cookie = new StateCookie(
            _time.GetUtcNow().ToUnixTimeMilliseconds(),
            localTag,
            fields.InitiateTag,
            localTsn,
            fields.InitialTsn,
            fields.AdvertisedWindow,
            fields.OutboundStreams,
            fields.InboundStreams,
            HasForwardTsn(fields.Parameters));
        Span<byte> cookieBytes = stackalloc byte[StateCookie.Size];
        cookie.WriteTo(cookieBytes, _cookieSecret);
        Span<byte> parameters = stackalloc byte[StateCookie.Size + 64];
        var parametersLength = WriteInitParameters(parameters, cookieBytes);
        var offset = SctpCommonHeader.Size;
        var ack = new InitFields(localTag, (uint)ReceiveWindow, _options.Streams, _options.Streams, localTsn, parameters[..parametersLength]);
        var length = new InitAckChunk(ack).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, fields.InitiateTag);
    }

    private void OnInitAck(InitAckChunk initAck)
    {
        if (State != AssociationState.CookieWait)
        {
            return;
        }

        var fields = initAck.Fields;
        ReadOnlySpan<byte> cookie = default;
        var reader = new ParameterReader(fields.Parameters);
        while (reader.MoveNext())
        {
            if (reader.Current.Type == (ushort)ParameterType.StateCookie)
            {
                cookie = reader.Current.Value;
            }
        }

        if (cookie.IsEmpty)
        {
            AbortWith(ErrorCauses.ErrorCauseCode.MissingMandatoryParameter, "INIT ACK without a state cookie");
            return;
        }

        _peerTag = fields.InitiateTag;
        _peerForwardTsn = HasForwardTsn(fields.Parameters);
        InitializeReceiveSide(fields.InitialTsn);
        _peerWindow = fields.AdvertisedWindow;
        _cookieEcho = cookie.ToArray();
        State = AssociationState.CookieEchoed;
        _initRetransmissions = 0;
        SendCookieEcho();
        _t1.Start(_rto.Rto);
    }

    private void SendCookieEcho()
    {
        var offset = SctpCommonHeader.Size;
        var length = new CookieEchoChunk(_cookieEcho).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, _peerTag);
    }

    private bool OnCookieEcho(CookieEchoChunk echo, uint packetTag)
    {
        if (!StateCookie.TryParse(echo.Cookie, _cookieSecret, out var cookie) || cookie.LocalTag != packetTag)
        {
            Statistics.PacketsDropped++;
            return false;
        }

        var age = _time.GetUtcNow().ToUnixTimeMilliseconds() - cookie.CreatedMilliseconds;
        if (age < 0 || age > _options.CookieLifetime.TotalMilliseconds)
        {
            return false;
        }

        switch (State)
        {
            case AssociationState.Closed:
                _localTag = cookie.LocalTag;
                InitializeSendSide(cookie.LocalInitialTsn);
                break;
            case AssociationState.CookieWait:
            case AssociationState.CookieEchoed:
                if (cookie.LocalTag != _localTag)
                {
                    return false;
                }

                break;
            default:
                // Already established: the peer lost our COOKIE ACK (or restarted with the same tags); answer again.
                if (cookie.LocalTag == _localTag && cookie.PeerTag == _peerTag)
                {
                    SendCookieAck();
                }

                return true;
        }

        _peerTag = cookie.PeerTag;
        _peerForwardTsn = cookie.PeerForwardTsn;
        InitializeReceiveSide(cookie.PeerInitialTsn);
        _peerWindow = cookie.PeerWindow;
        BecomeEstablished();
        SendCookieAck();
        return true;
    }

    private void SendCookieAck()
    {
        var offset = SctpCommonHeader.Size;
        var length = new CookieAckChunk(false).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, _peerTag);
    }

    private void OnCookieAck()
    {
        if (State == AssociationState.CookieEchoed)
        {
            BecomeEstablished();
        }
    }

    private void OnInitTimeout()
    {
        if (State is not (AssociationState.CookieWait or AssociationState.CookieEchoed))
        {
            return;
        }

        if (++_initRetransmissions > _options.MaxInitRetransmissions)
        {
            Terminate($"the peer did not answer the handshake ({_options.MaxInitRetransmissions} retransmissions)");
            return;
        }

        _rto.BackOff();
        if (State == AssociationState.CookieWait)
        {
            SendInit();
        }
        else
        {
            SendCookieEcho();
        }

        _t1.Start(_rto.Rto);
    }

    private static bool HasForwardTsn(ReadOnlySpan<byte> parameters)
    {
        var reader = new ParameterReader(parameters);
        while (reader.MoveNext())
        {
            if (reader.Current.Type == (ushort)ParameterType.ForwardTsnSupported)
            {
                return true;
            }

            if (reader.Current.Type == (ushort)ParameterType.SupportedExtensions && reader.Current.Value.Contains((byte)ChunkType.ForwardTsn))
            {
                return true;
            }
        }

        return false;
    }

    private void OnHeartbeat(HeartbeatChunk heartbeat)
    {
        if (heartbeat.Info.Length > _packet.Length - SctpCommonHeader.Size - ChunkHeader.Size)
        {
            return;
        }

        var offset = SctpCommonHeader.Size;
        var length = new HeartbeatAckChunk(heartbeat.Info).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, _peerTag);
    }

    private void OnHeartbeatTimer()
    {
        if (State is not (AssociationState.Established or AssociationState.ShutdownPending or AssociationState.ShutdownReceived))
        {
            return;
        }

        if (_heartbeatOutstanding && CountError("heartbeat"))
        {
            return;
        }

        Span<byte> info = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(info, _time.GetTimestamp());
        _heartbeatNonce = (ulong)_random.NextInt64();
        BinaryPrimitives.WriteUInt64BigEndian(info[8..], _heartbeatNonce);
        Span<byte> tlv = stackalloc byte[20];
        Parameter.Write(tlv, (ushort)ParameterType.HeartbeatInfo, info);
        var offset = SctpCommonHeader.Size;
        var length = new HeartbeatChunk(tlv).WriteTo(_packet.AsSpan(offset));
        SendPacketBuffer(offset + length, _peerTag);
        Statistics.HeartbeatsSent++;
        _heartbeatOutstanding = true;
        _heartbeat.Start(_options.HeartbeatInterval + _rto.Rto);
    }

    private void OnHeartbeatAck(HeartbeatAckChunk ack)
    {
        var reader = new ParameterReader(ack.Info);
        if (!reader.MoveNext() || reader.Current.Type != (ushort)ParameterType.HeartbeatInfo || reader.Current.Value.Length != 16)
        {
            return;
        }

        var value = reader.Current.Value;
        if (!_heartbeatOutstanding || BinaryPrimitives.ReadUInt64BigEndian(value[8..]) != _heartbeatNonce)
        {
            return;
        }

        _heartbeatOutstanding = false;
        _errorCount = 0;
        _rto.Measure(_time.GetElapsedTime(BinaryPrimitives.ReadInt64BigEndian(value)));
    }

    private bool _heartbeatOutstanding;
    private ulong _heartbeatNonce;
}
