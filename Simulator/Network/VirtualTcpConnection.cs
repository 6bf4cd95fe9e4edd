using System.Net;
using System.Net.Sockets;
using Mesh.Transport.Net;

namespace Mesh.Simulator.Network;

/// <summary>
/// A TCP connection over the virtual network: a reliable, ordered in-memory byte stream whose bytes arrive
/// after the path's one-way latency. It goes out through NATs (endpoint-independent TCP mappings) but,
/// like a home router without port forwarding, no NAT lets a connection in.
/// </summary>
internal sealed class VirtualTcpConnection : ITcpConnection
{
    private readonly VirtualTcpStream _stream;

    private VirtualTcpConnection(VirtualTcpStream stream, IPEndPoint local, IPEndPoint remote)
    {
        _stream = stream;
        LocalEndPoint = local;
        RemoteEndPoint = remote;
    }

    public Stream Stream => _stream;

    public IPEndPoint LocalEndPoint { get; }

    public IPEndPoint RemoteEndPoint { get; }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    internal static ValueTask<ITcpConnection> ConnectAsync(VirtualHost client, IPEndPoint remote, CancellationToken cancellationToken)
    {
        var network = client.Network;
        var route = client.Route(IPAddress.Any, remote.Address) ?? client.Route(IPAddress.IPv6Any, remote.Address);
        if (route is null)
        {
            return ValueTask.FromException<ITcpConnection>(new SocketException((int)SocketError.NetworkUnreachable));
        }

        var local = new IPEndPoint(route.Value.Address, client.NextFreePort(route.Value.Address));
        var seenAs = local;
        var segment = route.Value.Segment;
        var oneWay = segment.Profile.Latency;
        VirtualHost? server = null;
        while (true)
        {
            server = network.Hosts.FirstOrDefault(h => h.IsOwnAddress(remote.Address) && segment.Contains(remote.Address));
            if (server is not null || segment.Gateway is null || segment.Contains(remote.Address))
            {
                break;
            }

            seenAs = segment.Gateway.TranslateTcp(seenAs, remote);
            segment = segment.Gateway.Outside;
            oneWay += segment.Profile.Latency;
        }

        var listener = server?.FindListener(remote.Address, remote.Port);
        var result = new TaskCompletionSource<ITcpConnection>();
        if (listener is null || !listener.IsOpen)
        {
            network.Clock.Schedule(oneWay * 2, () => result.TrySetException(new SocketException((int)SocketError.ConnectionRefused)));
        }
        else
        {
            var clientStream = new VirtualTcpStream(network.Clock, oneWay);
            var serverStream = new VirtualTcpStream(network.Clock, oneWay);
            clientStream.Peer = serverStream;
            serverStream.Peer = clientStream;
            network.Clock.Schedule(oneWay, () => listener.Offer(new VirtualTcpConnection(serverStream, remote, seenAs)));
            network.Clock.Schedule(oneWay * 2, () => result.TrySetResult(new VirtualTcpConnection(clientStream, local, remote)));
        }

        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => result.TrySetCanceled(cancellationToken));
        }

        return new ValueTask<ITcpConnection>(result.Task);
    }
}
