using System.Net;
using System.Net.Sockets;
using Mesh.Transport.Net;

namespace Mesh.Simulator.Network;

/// <summary>
/// A machine on the virtual network: one or more addresses on segments, UDP endpoints bound to ports, and
/// simple TCP. It is the <see cref="INetwork"/> that protocol code running on this machine is given.
/// </summary>
public sealed class VirtualHost : INetwork, ISegmentNode
{
    private const int FirstEphemeralPort = 49152;
    private readonly VirtualNetwork _network;
    private readonly List<(IPAddress Address, NetworkSegment Segment)> _interfaces = [];
    private readonly Dictionary<(IPAddress Address, int Port), VirtualUdpEndpoint> _udp = [];
    private readonly Dictionary<(IPAddress Address, int Port), VirtualTcpListener> _tcp = [];
    private int _nextEphemeral = FirstEphemeralPort;

    internal VirtualHost(VirtualNetwork network, string name)
    {
        _network = network;
        Name = name;
    }

    /// <summary>The host's name, used in traces.</summary>
    public string Name { get; }

    /// <summary>The network this host is on.</summary>
    public VirtualNetwork Network => _network;

    /// <summary>The host's addresses, in the order they were added.</summary>
    public IReadOnlyList<IPAddress> Addresses => [.. _interfaces.Select(i => i.Address)];

    /// <summary>The host's first IPv4 address.</summary>
    public IPAddress Address => _interfaces.First(i => i.Address.AddressFamily == AddressFamily.InterNetwork).Address;

    /// <summary>Adds another address, on <paramref name="segment"/> (the next free one of <paramref name="family"/> unless given).</summary>
    public IPAddress AddInterface(NetworkSegment segment, IPAddress? address = null, AddressFamily family = AddressFamily.InterNetwork)
    {
        ArgumentNullException.ThrowIfNull(segment);
        address ??= segment.Allocate(family);
        segment.Attach(address, this);
        _interfaces.Add((address, segment));
        return address;
    }

    /// <inheritdoc/>
    public IReadOnlyList<IPAddress> GetInterfaceAddresses() => Addresses;

    /// <inheritdoc/>
    public IUdpEndpoint BindUdp(IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var address = local.Address;
        if (!IsWildcard(address) && !_interfaces.Any(i => i.Address.Equals(address)))
        {
            throw new SocketException((int)SocketError.AddressNotAvailable);
        }

        var port = local.Port == 0 ? NextFreePort(address) : local.Port;
        if (IsTaken(address, port))
        {
            throw new SocketException((int)SocketError.AddressAlreadyInUse);
        }

        var endpoint = new VirtualUdpEndpoint(this, new IPEndPoint(address, port));
        _udp.Add((address, port), endpoint);
        return endpoint;
    }

    /// <inheritdoc/>
    public ValueTask<ITcpConnection> ConnectTcpAsync(IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return VirtualTcpConnection.ConnectAsync(this, remote, cancellationToken);
    }

    /// <inheritdoc/>
    public ITcpListener ListenTcp(IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var address = local.Address;
        if (!IsWildcard(address) && !_interfaces.Any(i => i.Address.Equals(address)))
        {
            throw new SocketException((int)SocketError.AddressNotAvailable);
        }

        var port = local.Port == 0 ? NextFreePort(address) : local.Port;
        if (_tcp.ContainsKey((address, port)))
        {
            throw new SocketException((int)SocketError.AddressAlreadyInUse);
        }

        var listener = new VirtualTcpListener(this, new IPEndPoint(address, port));
        _tcp.Add((address, port), listener);
        return listener;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    void ISegmentNode.Receive(VirtualPacket packet, NetworkSegment segment)
    {
        var destination = packet.Destination;
        if (_udp.TryGetValue((destination.Address, destination.Port), out var endpoint)
            || _udp.TryGetValue((Wildcard(destination.AddressFamily), destination.Port), out endpoint))
        {
            _network.Record(NetworkTraceKind.Delivered, this, packet);
            endpoint.Deliver(packet);
            return;
        }

        _network.Record(NetworkTraceKind.DroppedNoListener, this, packet);
    }

    internal void SendUdp(VirtualUdpEndpoint from, ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        var bound = from.LocalEndPoint;
        var route = Route(bound.Address, remote.Address);
        if (route is null)
        {
            return;
        }

        var packet = new VirtualPacket(new IPEndPoint(route.Value.Address, bound.Port), remote, datagram.ToArray());
        if (IsOwnAddress(remote.Address))
        {
            // Loopback to ourselves does not touch the wire.
            ((ISegmentNode)this).Receive(packet, route.Value.Segment);
            return;
        }

        route.Value.Segment.Send(packet, this);
    }

    /// <summary>Chooses the source address and segment for a packet to <paramref name="remote"/>: the interface on the destination's segment, else the first with the right family.</summary>
    internal (IPAddress Address, NetworkSegment Segment)? Route(IPAddress bound, IPAddress remote)
    {
        (IPAddress, NetworkSegment)? fallback = null;
        foreach (var (address, segment) in _interfaces)
        {
            if (address.AddressFamily != remote.AddressFamily || (!IsWildcard(bound) && !address.Equals(bound)))
            {
                continue;
            }

            if (segment.Contains(remote))
            {
                return (address, segment);
            }

            fallback ??= (address, segment);
        }

        return fallback;
    }

    internal bool IsOwnAddress(IPAddress address) => _interfaces.Any(i => i.Address.Equals(address));

    internal VirtualTcpListener? FindListener(IPAddress address, int port) =>
        _tcp.GetValueOrDefault((address, port)) ?? _tcp.GetValueOrDefault((Wildcard(address.AddressFamily), port));

    internal void Unbind(VirtualUdpEndpoint endpoint) => _udp.Remove((endpoint.LocalEndPoint.Address, endpoint.LocalEndPoint.Port));

    internal void Unlisten(VirtualTcpListener listener) => _tcp.Remove((listener.LocalEndPoint.Address, listener.LocalEndPoint.Port));

    internal int NextFreePort(IPAddress address)
    {
        for (var i = 0; i < 65536 - FirstEphemeralPort; i++)
        {
            var port = _nextEphemeral;
            _nextEphemeral = _nextEphemeral == 65535 ? FirstEphemeralPort : _nextEphemeral + 1;
            if (!IsTaken(address, port) && !_tcp.ContainsKey((address, port)))
            {
                return port;
            }
        }

        throw new SocketException((int)SocketError.AddressAlreadyInUse);
    }

    private bool IsTaken(IPAddress address, int port) =>
        _udp.ContainsKey((address, port))
        || (IsWildcard(address) ? _udp.Keys.Any(k => k.Port == port && k.Address.AddressFamily == address.AddressFamily) : _udp.ContainsKey((Wildcard(address.AddressFamily), port)));

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static IPAddress Wildcard(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
}
