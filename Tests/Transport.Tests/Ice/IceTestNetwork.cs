using System.Net;
using System.Net.Sockets;
using Mesh.Transport.Net;

namespace Mesh.Transport.Tests.Ice;

/// <summary>
/// A flat in-memory UDP network for agent unit tests: every host reaches every other after a fixed delay,
/// unless <see cref="Drop"/> says otherwise. Deliveries run on the <see cref="IceTestClock"/>.
/// </summary>
internal sealed class IceTestNetwork(IceTestClock clock)
{
    private readonly IceTestClock _clock = clock;
    private readonly Dictionary<IPEndPoint, Endpoint> _bound = [];
    private int _nextPort = 40000;

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Return true to lose a datagram (source, destination).</summary>
    public Func<IPEndPoint, IPEndPoint, bool> Drop { get; set; } = (_, _) => false;

    public int Delivered { get; private set; }

    public INetwork Host(params string[] addresses) => new HostView(this, [.. addresses.Select(IPAddress.Parse)]);

    private sealed class HostView(IceTestNetwork network, IReadOnlyList<IPAddress> addresses) : INetwork
    {
        public IUdpEndpoint BindUdp(IPEndPoint local)
        {
            var port = local.Port == 0 ? network._nextPort++ : local.Port;
            var endpoint = new Endpoint(network, new IPEndPoint(local.Address, port));
            if (!network._bound.TryAdd(endpoint.LocalEndPoint, endpoint))
            {
                throw new SocketException((int)SocketError.AddressAlreadyInUse);
            }

            return endpoint;
        }

        public ValueTask<ITcpConnection> ConnectTcpAsync(IPEndPoint remote, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<ITcpConnection>(new SocketException((int)SocketError.ConnectionRefused));

        public ITcpListener ListenTcp(IPEndPoint local) => throw new SocketException((int)SocketError.AddressNotAvailable);

        public IReadOnlyList<IPAddress> GetInterfaceAddresses() => addresses;
    }

    private sealed class Endpoint(IceTestNetwork network, IPEndPoint local) : IUdpEndpoint
    {
        private UdpDatagramHandler? _handler;

        public IPEndPoint LocalEndPoint { get; } = local;

        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
        {
            if (network.Drop(LocalEndPoint, remote))
            {
                return;
            }

            var copy = datagram.ToArray();
            network._clock.Schedule(network.Delay, () =>
            {
                if (network._bound.TryGetValue(remote, out var target) && target._handler is { } handler)
                {
                    network.Delivered++;
                    handler(copy, LocalEndPoint);
                }
            });
        }

        public void Start(UdpDatagramHandler handler) => _handler = handler;

        public void Dispose() => network._bound.Remove(LocalEndPoint);
    }
}
