using System.Net;
using Mesh.Simulator.Network;

namespace Mesh.Simulator.Tests.Network;

public class DeterminismTests
{
    private static (ulong Hash, List<string> Trace) Run(int seed)
    {
        var net = new VirtualNetwork(seed);
        var trace = new List<string>();
        net.Trace = e => trace.Add(e.ToString());
        var internet = net.CreateSegment("internet", new LinkProfile { Latency = TimeSpan.FromMilliseconds(20), Jitter = TimeSpan.FromMilliseconds(15), Loss = 0.1, Duplication = 0.05 }, "198.51.100.0/24");
        var natA = net.AddNat("a", internet, NatBehavior.Symmetric, "10.1.0.0/24");
        var natB = net.AddNat("b", internet, NatBehavior.FullCone, "10.2.0.0/24");
        var a = net.AddHost("ha", natA.Inside).BindUdp(new IPEndPoint(IPAddress.Any, 4000));
        var bHost = net.AddHost("hb", natB.Inside);
        var b = bHost.BindUdp(new IPEndPoint(IPAddress.Any, 4000));
        var server = net.AddHost("s", internet);
        var s = server.BindUdp(new IPEndPoint(IPAddress.Any, 3478));
        s.Start((data, from) => s.Send(data, from));
        a.Start((_, _) => { });
        b.Start((data, from) => b.Send(data, from));

        // Timers drive the traffic, so the scheduler interleaves timers and deliveries.
        using var timer = net.Clock.CreateTimer(_ =>
        {
            a.Send([1, 2], new IPEndPoint(server.Address, 3478));
            b.Send([3], new IPEndPoint(server.Address, 3478));
            a.Send([4], new IPEndPoint(natB.ExternalAddress, 4000));
        }, null, TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(7));
        net.Clock.RunFor(TimeSpan.FromSeconds(2));
        return (net.TraceHash, trace);
    }

    [Fact]
    public void The_same_seed_gives_the_same_trace()
    {
        var first = Run(42);
        var second = Run(42);

        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.Hash, second.Hash);
        Assert.True(first.Trace.Count > 1000);
    }

    [Fact]
    public void A_different_seed_gives_a_different_trace()
    {
        Assert.NotEqual(Run(42).Hash, Run(43).Hash);
    }
}
