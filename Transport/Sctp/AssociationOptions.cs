namespace Mesh.Transport.Sctp;

/// <summary>Settings of one association; validated by <see cref="Validate"/> when the association is created.</summary>
public sealed record AssociationOptions
{
    /// <summary>The local SCTP port; WebRTC uses 5000 unless <c>a=sctp-port</c> says otherwise.</summary>
    public ushort LocalPort { get; init; } = 5000;

    /// <summary>The peer's SCTP port.</summary>
    public ushort RemotePort { get; init; } = 5000;

    /// <summary>The largest SCTP packet, normally the DTLS connection's plaintext limit.</summary>
    public int Mtu { get; init; } = 1200;

    /// <summary>
    /// The receive buffer advertised as a_rwnd; data beyond it is dropped unacknowledged. It is kept small
    /// because a peer may send a whole window in one burst, and a burst larger than the UDP socket's
    /// buffer is lost (measured against libwebrtc, see docs/webrtc.md). The association raises it to
    /// hold at least one message of <see cref="MaxReceiveMessageSize"/>, or such a message could only
    /// trickle in by zero-window probes.
    /// </summary>
    public int ReceiveWindow { get; init; } = 128 * 1024;

    /// <summary>The most user bytes queued or unacknowledged on the send side before <see cref="Association.TrySend"/> refuses more.</summary>
    public int SendBufferLimit { get; init; } = 8 * 1024 * 1024;

    /// <summary>The largest message accepted from the peer; a larger one aborts the association.</summary>
    public int MaxReceiveMessageSize { get; init; } = 256 * 1024;

    /// <summary>Streams in each direction.</summary>
    public ushort Streams { get; init; } = 65535;

    /// <summary>RTO before any measurement (RFC 9260 RTO.Initial).</summary>
    public TimeSpan RtoInitial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Smallest RTO. RFC 9260 suggests 1 s; WebRTC stacks use a few hundred milliseconds because their paths
    /// are measured, and so does Mesh.
    /// </summary>
    public TimeSpan RtoMin { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Largest RTO.</summary>
    public TimeSpan RtoMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Consecutive unanswered retransmissions or heartbeats after which the peer is declared unreachable (Association.Max.Retrans).</summary>
    public int MaxRetransmissions { get; init; } = 10;

    /// <summary>INIT or COOKIE ECHO retransmissions before giving up (Max.Init.Retransmits).</summary>
    public int MaxInitRetransmissions { get; init; } = 8;

    /// <summary>Interval between heartbeats (HB.interval).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a received DATA packet may wait for its SACK (RFC 9260 allows up to 500 ms).</summary>
    public TimeSpan DelayedAckTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a state cookie stays valid.</summary>
    public TimeSpan CookieLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time source for every timer.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Source of verification tags, initial TSNs and the cookie secret.</summary>
    public Random Random { get; init; } = SecureRandom.Instance;

    /// <summary>Throws <see cref="ArgumentException"/> if a setting is out of range.</summary>
    public void Validate()
    {
        if (Mtu is < 256 or > 65535)
        {
            throw new ArgumentException("Mtu must be between 256 and 65535.", nameof(Mtu));
        }

        if (ReceiveWindow < 1500 || SendBufferLimit < 1500 || MaxReceiveMessageSize < 1)
        {
            throw new ArgumentException("Buffers must hold at least one packet.", nameof(ReceiveWindow));
        }

        if (Streams == 0 || MaxRetransmissions < 1 || MaxInitRetransmissions < 1)
        {
            throw new ArgumentException("Streams and retransmission limits must be positive.", nameof(Streams));
        }

        if (RtoMin <= TimeSpan.Zero || RtoMin > RtoMax || RtoInitial < RtoMin || HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("Timer settings are inconsistent.", nameof(RtoMin));
        }
    }
}
