using System.Net;
using Mesh.Transport.Net;
using Microsoft.Extensions.Logging;

namespace Mesh.Transport.Turn;

/// <summary>What a <see cref="TurnClient"/> needs: the server, credentials, and the injected network, time and randomness.</summary>
public sealed class TurnClientOptions
{
    /// <summary>The TURN server's address.</summary>
    public required IPEndPoint Server { get; init; }

    /// <summary>UDP or TCP to the server.</summary>
    public TurnTransport Transport { get; init; } = TurnTransport.Udp;

    /// <summary>Long-term credentials (see <see cref="TurnCredentials.FromSharedSecret"/>).</summary>
    public required TurnCredentials Credentials { get; init; }

    /// <summary>Where sockets come from.</summary>
    public required INetwork Network { get; init; }

    /// <summary>Timers and clocks.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Transaction IDs; <see cref="SecureRandom.Instance"/> outside simulations.</summary>
    public Random Random { get; init; } = SecureRandom.Instance;

    /// <summary>The local address to bind the UDP socket to; null for "any" of the server's family, port 0.</summary>
    public IPEndPoint? LocalEndPoint { get; init; }

    /// <summary>
    /// Use this socket (owned by someone else, e.g. the ICE agent's host socket) instead of binding one;
    /// UDP only. <see cref="LocalEndPoint"/> is then ignored.
    /// </summary>
    public TurnSharedSocket? SharedSocket { get; init; }

    /// <summary>The allocation lifetime to ask for; null takes the server's default (600 s on coturn).</summary>
    public TimeSpan? RequestedLifetime { get; init; }

    /// <summary>
    /// The family of the relayed address to ask for (REQUESTED-ADDRESS-FAMILY); null takes the server's
    /// default, IPv4. A server without relay addresses of that family answers 440.
    /// </summary>
    public System.Net.Sockets.AddressFamily? RelayedAddressFamily { get; init; }

    /// <summary>SOFTWARE in requests, or null.</summary>
    public string? Software { get; init; } = "mesh";

    /// <summary>Bind a channel automatically on the first send to a peer, so later data goes as ChannelData.</summary>
    public bool AutoBindChannels { get; init; } = true;

    /// <summary>
    /// Resume awaiting code on the thread that delivered the server's response or fired the timer instead of
    /// the thread pool: the simulator sets it so a run stays on its one thread and reproducible.
    /// </summary>
    public bool RunContinuationsInline { get; init; }

    /// <summary>Logger for refresh failures and the like.</summary>
    public ILogger? Logger { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Server);
        ArgumentNullException.ThrowIfNull(Credentials);
        ArgumentNullException.ThrowIfNull(Network);
        ArgumentNullException.ThrowIfNull(Time);
        ArgumentNullException.ThrowIfNull(Random);
        if (RelayedAddressFamily is { } family && family is not (System.Net.Sockets.AddressFamily.InterNetwork or System.Net.Sockets.AddressFamily.InterNetworkV6))
        {
            throw new ArgumentOutOfRangeException(nameof(RelayedAddressFamily));
        }

        if (SharedSocket is not null && Transport != TurnTransport.Udp)
        {
            throw new ArgumentException("A shared socket is UDP; TURN over TCP opens its own connection.", nameof(SharedSocket));
        }

        if (RequestedLifetime is { } lifetime && (lifetime < TimeSpan.Zero || lifetime.TotalSeconds > uint.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(RequestedLifetime));
        }
    }
}
