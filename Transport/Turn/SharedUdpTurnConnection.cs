using System.Net;
using Mesh.Transport.Net;

namespace Mesh.Transport.Turn;

/// <summary>TURN over UDP through a socket another component owns (see <see cref="TurnSharedSocket"/>).</summary>
internal sealed class SharedUdpTurnConnection(TurnSharedSocket socket, IPEndPoint server) : TurnConnection
{
    public override bool IsReliable => false;

    public override IPEndPoint Server => server;

    public override IPEndPoint LocalEndPoint => socket.LocalEndPoint;

    public override void Send(ReadOnlySpan<byte> message) => socket.Send(message, server);

    public override void Start(DatagramHandler handler) => socket.Attach(server, handler);

    public override ValueTask DisposeAsync()
    {
        // The socket is not ours to close; only stop taking its datagrams.
        socket.Detach();
        return ValueTask.CompletedTask;
    }
}
