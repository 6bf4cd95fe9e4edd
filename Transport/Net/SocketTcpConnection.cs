using System.Net;
using System.Net.Sockets;

namespace Mesh.Transport.Net;

/// <summary>A connected TCP socket as an <see cref="ITcpConnection"/>; the stream owns the socket.</summary>
internal sealed class SocketTcpConnection : ITcpConnection
{
    private readonly NetworkStream stream;

    public SocketTcpConnection(Socket socket)
    {
        LocalEndPoint = Normalise((IPEndPoint)socket.LocalEndPoint!);
        RemoteEndPoint = Normalise((IPEndPoint)socket.RemoteEndPoint!);
        stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Stream Stream => stream;

    public IPEndPoint LocalEndPoint { get; }

    public IPEndPoint RemoteEndPoint { get; }

    public ValueTask DisposeAsync() => stream.DisposeAsync();

    internal static IPEndPoint Normalise(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
