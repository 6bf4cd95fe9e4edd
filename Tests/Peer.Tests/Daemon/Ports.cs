using System.Net;
using System.Net.Sockets;

namespace Mesh.Peer.Tests.Daemon;

/// <summary>Free loopback TCP ports, found by binding port 0 and letting go.</summary>
internal static class Ports
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
