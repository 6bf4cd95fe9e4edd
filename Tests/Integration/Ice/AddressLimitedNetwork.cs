using System.Net;
using Mesh.Transport.Net;

namespace Mesh.Integration.Ice;

/// <summary>The real socket network, but offering the ICE agent only the given interface addresses (loopback in these tests).</summary>
internal sealed class AddressLimitedNetwork(INetwork inner, params IPAddress[] addresses) : INetwork
{
    public IUdpEndpoint BindUdp(IPEndPoint local) => inner.BindUdp(local);

    public ValueTask<ITcpConnection> ConnectTcpAsync(IPEndPoint remote, CancellationToken cancellationToken = default) =>
        inner.ConnectTcpAsync(remote, cancellationToken);

    public ITcpListener ListenTcp(IPEndPoint local) => inner.ListenTcp(local);

    public IReadOnlyList<IPAddress> GetInterfaceAddresses() => addresses;
}
