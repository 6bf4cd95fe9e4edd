using System.Net;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;

namespace Mesh.Transport.Turn;

/// <summary>
/// Lets a <see cref="TurnClient"/> use a UDP socket someone else owns (an ICE agent's host candidate
/// socket, so the relayed candidate shares its base): the client sends through <paramref name="send"/>,
/// and the owner, which reads the socket, offers each datagram to <see cref="OnDatagram"/>, which keeps
/// those that come from the TURN server.
/// </summary>
/// <param name="send">Sends a datagram from the shared socket.</param>
/// <param name="localEndPoint">The shared socket's local address.</param>
public sealed class TurnSharedSocket(StunDatagramSender send, IPEndPoint localEndPoint)
{
    private readonly Lock gate = new();
    private IPEndPoint? server;
    private DatagramHandler? handler;

    /// <summary>The shared socket's local address.</summary>
    public IPEndPoint LocalEndPoint { get; } = localEndPoint ?? throw new ArgumentNullException(nameof(localEndPoint));

    /// <summary>Offers a datagram the socket received; true when it came from the TURN server and was taken.</summary>
    public bool OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        DatagramHandler? target;
        lock (gate)
        {
            target = server is not null && server.Equals(remote) ? handler : null;
        }

        target?.Invoke(datagram);
        return target is not null;
    }

    internal void Send(ReadOnlySpan<byte> datagram, IPEndPoint to) => send(datagram, to);

    internal void Attach(IPEndPoint turnServer, DatagramHandler receive)
    {
        lock (gate)
        {
            if (handler is not null)
            {
                throw new InvalidOperationException("A shared socket serves one TURN client.");
            }

            server = turnServer;
            handler = receive;
        }
    }

    internal void Detach()
    {
        lock (gate)
        {
            handler = null;
            server = null;
        }
    }
}
