using System.Net;
using Mesh.Simulator.Network;

namespace Mesh.Simulator.Tests.Network;

public class LinkProfileTests
{
    private static (VirtualNetwork Net, Mesh.Transport.Net.IUdpEndpoint A, IPEndPoint BAddress, List<(TimeSpan At, byte[] Data)> Received) Pair(LinkProfile profile, int seed = 7)
    {
        var net = new VirtualNetwork(seed);
        var lan = net.CreateSegment("lan", profile, "10.0.0.0/24");
        var a = net.AddHost("a", lan).BindUdp(new IPEndPoint(IPAddress.Any, 1000));
        var bHost = net.AddHost("b", lan);
        var b = bHost.BindUdp(new IPEndPoint(IPAddress.Any, 2000));
        var received = new List<(TimeSpan, byte[])>();
        b.Start((data, _) => received.Add((net.Clock.Elapsed, data.ToArray())));
        return (net, a, new IPEndPoint(bHost.Address, 2000), received);
    }

    [Fact]
    public void Packets_arrive_after_the_latency()
    {
        var (net, a, b, received) = Pair(new LinkProfile { Latency = TimeSpan.FromMilliseconds(25) });

        a.Send([1, 2, 3], b);
        net.Clock.RunFor(TimeSpan.FromMilliseconds(24));
        Assert.Empty(received);
        net.Clock.RunFor(TimeSpan.FromMilliseconds(1));

        Assert.Single(received);
        Assert.Equal(TimeSpan.FromMilliseconds(25), received[0].At);
    }

    [Fact]
    public void Loss_drops_about_the_configured_fraction()
    {
        var (net, a, b, received) = Pair(new LinkProfile { Loss = 0.3 });

        for (var i = 0; i < 2000; i++)
        {
            a.Send([1], b);
        }

        net.Clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.InRange(received.Count, 1300, 1500);
    }

    [Fact]
    public void Packets_larger_than_the_mtu_are_dropped()
    {
        var (net, a, b, received) = Pair(new LinkProfile { Mtu = 1280 });

        a.Send(new byte[1252], b);
        a.Send(new byte[1253], b);
        net.Clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Single(received);
        Assert.Equal(1252, received[0].Data.Length);
    }

    [Fact]
    public void Bandwidth_queues_packets_behind_each_other()
    {
        // 1000 bytes of payload + 28 of headers at 1 Mbit/s take 8.224 ms each.
        var (net, a, b, received) = Pair(new LinkProfile { BitsPerSecond = 1_000_000 });

        for (var i = 0; i < 10; i++)
        {
            a.Send(new byte[1000], b);
        }

        net.Clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(10, received.Count);
        Assert.Equal(TimeSpan.FromTicks(9 * 82240), received[^1].At);
    }

    [Fact]
    public void Duplication_delivers_extra_copies()
    {
        var (net, a, b, received) = Pair(new LinkProfile { Duplication = 1 });

        a.Send([9], b);
        net.Clock.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(2, received.Count);
    }

    [Fact]
    public void Reordering_lets_later_packets_overtake()
    {
        var (net, a, b, received) = Pair(new LinkProfile { Latency = TimeSpan.FromMilliseconds(5), Reordering = 0.5, ReorderDelay = TimeSpan.FromMilliseconds(20) });

        for (byte i = 0; i < 50; i++)
        {
            a.Send([i], b);
        }

        net.Clock.RunFor(TimeSpan.FromSeconds(1));

        var order = received.Select(r => r.Data[0]).ToList();
        Assert.Equal(50, order.Count);
        Assert.NotEqual(order.Order().ToList(), order);
    }
}
