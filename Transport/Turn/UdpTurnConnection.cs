using System.Net;
using Mesh.Transport.Net;

namespace Mesh.Transport.Turn;

/// <summary>TURN over UDP: one datagram per message; anything not from the server is dropped.</summary>
internal sealed class UdpTurnConnection(IUdpEndpoint endpoint, IPEndPoint server) : TurnConnection
{
    public override bool IsReliable => false;

    public override IPEndPoint Server => server;

    public override IPEndPoint LocalEndPoint => endpoint.LocalEndPoint;

    public override void Send(ReadOnlySpan<byte> message) => endpoint.Send(message, server);

    public override void Start(DatagramHandler handler) =>
        endpoint.Start((datagram, remote) =>
        {
            if (remote.Equals(server))
            {
                handler(datagram);
            }
        });

    public override ValueTask DisposeAsync()
    {
        endpoint.Dispose();
        return ValueTask.CompletedTask;
    }
}
