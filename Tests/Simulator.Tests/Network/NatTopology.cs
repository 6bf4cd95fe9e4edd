using System.Net;
using Mesh.Simulator.Network;

namespace Mesh.Simulator.Tests.Network;

/// <summary>One host behind a NAT and two public servers with two ports each: enough to probe every RFC 4787 behaviour.</summary>
internal sealed class NatTopology
{
    public NatTopology(NatBehavior behavior, int seed = 1)
    {
        Network = new VirtualNetwork(seed);
        Internet = Network.CreateSegment("internet", new LinkProfile { Latency = TimeSpan.FromMilliseconds(10) }, "198.51.100.0/24");
        Nat = Network.AddNat("nat", Internet, behavior, "192.168.1.0/24");
        Inside = Network.AddHost("inside", Nat.Inside);
        ServerA = Network.AddHost("server-a", Internet);
        ServerB = Network.AddHost("server-b", Internet);
        Client = Inside.BindUdp(new IPEndPoint(IPAddress.Any, 5000));
        Client.Start((data, from) => ClientReceived.Add((data.ToArray(), from)));
        A1 = Bind(ServerA, 3478);
        A2 = Bind(ServerA, 3479);
        B1 = Bind(ServerB, 3478);
    }

    public VirtualNetwork Network { get; }

    public NetworkSegment Internet { get; }

    public NatBox Nat { get; }

    public VirtualHost Inside { get; }

    public VirtualHost ServerA { get; }

    public VirtualHost ServerB { get; }

    public Mesh.Transport.Net.IUdpEndpoint Client { get; }

    public List<(byte[] Data, IPEndPoint From)> ClientReceived { get; } = [];

    public Listener A1 { get; }

    public Listener A2 { get; }

    public Listener B1 { get; }

    /// <summary>Sends from the inside host to a server port and returns the source address the server saw.</summary>
    public IPEndPoint MappedAt(Listener server)
    {
        var before = server.Received.Count;
        Client.Send([1], server.EndPoint);
        Network.Clock.RunFor(TimeSpan.FromMilliseconds(100));
        Assert.Equal(before + 1, server.Received.Count);
        return server.Received[^1];
    }

    /// <summary>Sends from a server port to <paramref name="target"/> and says whether the inside host got it.</summary>
    public bool Reaches(Listener server, IPEndPoint target)
    {
        var before = ClientReceived.Count;
        server.Endpoint.Send([2], target);
        Network.Clock.RunFor(TimeSpan.FromMilliseconds(100));
        return ClientReceived.Count > before;
    }

    private static Listener Bind(VirtualHost host, int port)
    {
        var endpoint = host.BindUdp(new IPEndPoint(host.Address, port));
        var listener = new Listener(endpoint, new IPEndPoint(host.Address, port));
        endpoint.Start((_, from) => listener.Received.Add(from));
        return listener;
    }

    internal sealed record Listener(Mesh.Transport.Net.IUdpEndpoint Endpoint, IPEndPoint EndPoint)
    {
        public List<IPEndPoint> Received { get; } = [];
    }
}
