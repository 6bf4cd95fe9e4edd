using System.Net;

namespace Mesh.Transport.Net;

/// <summary>
/// The network as the protocol code sees it: UDP endpoints, TCP connections and listeners, and the
/// host's interface addresses. The real one is over System.Net.Sockets; the simulator provides a
/// virtual one. No protocol code opens a socket itself.
/// </summary>
public interface INetwork
{
    /// <summary>Binds a UDP endpoint; port 0 picks a free port.</summary>
    IUdpEndpoint BindUdp(IPEndPoint local);

    /// <summary>Opens a TCP connection to <paramref name="remote"/>.</summary>
    ValueTask<ITcpConnection> ConnectTcpAsync(IPEndPoint remote, CancellationToken cancellationToken = default);

    /// <summary>Listens for TCP connections on <paramref name="local"/>; port 0 picks a free port.</summary>
    ITcpListener ListenTcp(IPEndPoint local);

    /// <summary>The unicast addresses of this host's usable interfaces (up, not loopback unless nothing else), for host candidates.</summary>
    IReadOnlyList<IPAddress> GetInterfaceAddresses();
}
