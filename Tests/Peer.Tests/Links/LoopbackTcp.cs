using System.Net;
using Mesh.Transport.Net;

namespace Mesh.Peer.Tests.Links;

/// <summary>A real TCP connection pair on 127.0.0.1.</summary>
internal static class LoopbackTcp
{
    public static async Task<(ITcpConnection Client, ITcpConnection Server)> ConnectAsync()
    {
        await using var listener = SocketNetwork.Instance.ListenTcp(new IPEndPoint(IPAddress.Loopback, 0));
        var accept = listener.AcceptAsync().AsTask();
        var client = await SocketNetwork.Instance.ConnectTcpAsync(listener.LocalEndPoint);
        var server = await accept.WaitAsync(TimeSpan.FromSeconds(10));
        return (client, server);
    }

    /// <summary>A port that was free a moment ago (bound and released).</summary>
    public static int FreePort()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
