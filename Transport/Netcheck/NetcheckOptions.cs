using System.Net;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;
using Mesh.Transport.Turn;

namespace Mesh.Transport.Netcheck;

/// <summary>What <see cref="NetworkCheck"/> probes: STUN servers (already resolved), optionally a TURN server.</summary>
public sealed class NetcheckOptions
{
    /// <summary>The STUN servers to ask for our mapped address; two or more tell whether the mapping varies.</summary>
    public IReadOnlyList<IPEndPoint> StunServers { get; init; } = [];

    /// <summary>A TURN server to allocate on, or null.</summary>
    public IPEndPoint? TurnServer { get; init; }

    /// <summary>Credentials for <see cref="TurnServer"/>.</summary>
    public TurnCredentials? TurnCredentials { get; init; }

    /// <summary>UDP or TCP to the TURN server.</summary>
    public TurnTransport TurnTransport { get; init; } = TurnTransport.Udp;

    /// <summary>Where sockets come from.</summary>
    public INetwork Network { get; init; } = SocketNetwork.Instance;

    /// <summary>Timers.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Transaction IDs.</summary>
    public Random Random { get; init; } = SecureRandom.Instance;

    /// <summary>
    /// The probe schedule: shorter than RFC 8489's 39.5 s default so a blocked network is reported in
    /// seconds (RTO 500 ms, 4 sends, last wait 4 RTO: 5.5 s).
    /// </summary>
    public StunRetransmission Schedule { get; init; } = new(TimeSpan.FromMilliseconds(500), 4, 4);

    /// <summary>The local port for the probing socket; 0 picks one.</summary>
    public int LocalPort { get; init; }
}
