using System.Net;
using System.Net.Sockets;
using Mesh.Simulator.Network;

namespace Mesh.Simulator.Tests.Network;

public class VirtualTcpTests
{
    [Fact]
    public void A_connection_through_a_nat_carries_bytes_both_ways_with_latency()
    {
        var net = new VirtualNetwork(3);
        var internet = net.CreateSegment("internet", new LinkProfile { Latency = TimeSpan.FromMilliseconds(30) }, "198.51.100.0/24");
        var nat = net.AddNat("nat", internet, NatBehavior.PortRestrictedCone, "10.0.0.0/24");
        var client = net.AddHost("c", nat.Inside);
        var server = net.AddHost("s", internet);
        var listener = server.ListenTcp(new IPEndPoint(IPAddress.Any, 443));
        var accepted = listener.AcceptAsync().AsTask();
        var connecting = client.ConnectTcpAsync(new IPEndPoint(server.Address, 443)).AsTask();

        net.Clock.RunFor(TimeSpan.FromMilliseconds(59));
        Assert.False(connecting.IsCompleted);
        net.Clock.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.True(connecting.IsCompletedSuccessfully);
        Assert.True(accepted.IsCompletedSuccessfully);
        Assert.Equal(nat.ExternalAddress, accepted.Result.RemoteEndPoint.Address);

        connecting.Result.Stream.Write("hello"u8);
        var buffer = new byte[16];
        var read = accepted.Result.Stream.ReadAsync(buffer).AsTask();
        net.Clock.RunFor(TimeSpan.FromMilliseconds(30));

        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal("hello"u8.ToArray(), buffer[..read.Result]);
    }

    [Fact]
    public void Connecting_to_a_closed_port_is_refused()
    {
        var net = new VirtualNetwork(3);
        var lan = net.CreateSegment("lan", LinkProfile.Ideal, "10.0.0.0/24");
        var a = net.AddHost("a", lan);
        var b = net.AddHost("b", lan);

        var connecting = a.ConnectTcpAsync(new IPEndPoint(b.Address, 80)).AsTask();
        net.Clock.RunFor(TimeSpan.FromSeconds(1));

        var error = Assert.IsType<SocketException>(connecting.Exception?.InnerException);
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }
}
