using System.Net;
using System.Net.Sockets;

namespace Mesh.Integration.Daemon;

/// <summary>Free TCP ports on 127.0.0.1, chosen before a daemon starts because its peer needs the address in advance.</summary>
internal static class LoopbackPort
{
    public static int Free()
    {
        // Another process could take the port between here and the daemon's bind; on loopback with ephemeral
        // ports that window is tiny, and a clash would show as a clear "in use" failure rather than a wrong result.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
