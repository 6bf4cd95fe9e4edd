using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Transport.Net;

namespace Mesh.Transport.Tests.Net;

public sealed class SocketNetworkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Udp_datagrams_reach_the_other_endpoint_with_the_senders_address()
    {
        var network = new SocketNetwork();
        using var a = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var b = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var received = new TaskCompletionSource<(string Text, IPEndPoint From)>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Start((datagram, remote) => received.TrySetResult((Encoding.ASCII.GetString(datagram), remote)));
        a.Start((_, _) => { });

        Assert.NotEqual(0, a.LocalEndPoint.Port);
        var (text, from) = await SendUntilReceived(a, b.LocalEndPoint, "hello", received.Task);

        Assert.Equal("hello", text);
        Assert.Equal(a.LocalEndPoint, from);
    }

    [Fact]
    public async Task A_dual_mode_endpoint_reports_ipv4_senders_as_plain_ipv4()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        var network = new SocketNetwork();
        IUdpEndpoint any;
        try
        {
            any = network.BindUdp(new IPEndPoint(IPAddress.IPv6Any, 0));
        }
        catch (SocketException)
        {
            return; // IPv6 disabled in this kernel
        }

        using (any)
        {
            using var sender = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
            var received = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
            any.Start((_, remote) => received.TrySetResult(remote));
            var from = await SendUntilReceived(sender, new IPEndPoint(IPAddress.Loopback, any.LocalEndPoint.Port), "x", received.Task);

            Assert.Equal(AddressFamily.InterNetwork, from.AddressFamily);
            Assert.Equal(sender.LocalEndPoint, from);
        }
    }

    [Fact]
    public void A_burst_larger_than_the_default_kernel_buffer_survives_a_busy_receiver()
    {
        // 1,000 datagrams of 1,200 bytes take about 2.3 MB of kernel memory at the receiver: ten times
        // Linux's default 208 KiB socket buffer, so they only all arrive if the endpoint enlarged it.
        const int Count = 1000;
        var network = new SocketNetwork();
        using var a = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var b = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var release = new ManualResetEventSlim();
        using var all = new CountdownEvent(Count);
        b.Start((_, _) =>
        {
            release.Wait(Timeout);
            all.Signal();
        });
        a.Start((_, _) => { });
        var datagram = new byte[1200];
        for (var i = 0; i < Count; i++)
        {
            a.Send(datagram, b.LocalEndPoint);
        }

        release.Set();
        all.Wait(Timeout);
        Assert.Equal(0, all.CurrentCount);
    }

    [Fact]
    public void Sending_after_dispose_or_to_the_wrong_family_does_not_throw()
    {
        var network = new SocketNetwork();
        var a = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        a.Send([1, 2, 3], new IPEndPoint(IPAddress.IPv6Loopback, 9));
        a.Dispose();
        a.Send([1, 2, 3], new IPEndPoint(IPAddress.Loopback, 9));
    }

    [Fact]
    public void Starting_an_endpoint_twice_is_a_bug()
    {
        using var a = new SocketNetwork().BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        a.Start((_, _) => { });
        Assert.Throws<InvalidOperationException>(() => a.Start((_, _) => { }));
    }

    [Fact]
    public void Disposing_right_after_start_stops_the_receive_thread_without_crashing_the_process()
    {
        // The receive thread used to read the stop token itself; a Dispose that won the race disposed the
        // token's source first, and the exception on that thread ended the test host (and a daemon).
        var network = new SocketNetwork();
        for (var i = 0; i < 200; i++)
        {
            var endpoint = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
            endpoint.Start((_, _) => { });
            endpoint.Dispose();
        }

        Thread.Sleep(200);
        using var last = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        Assert.NotNull(last.LocalEndPoint);
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_the_receive_loop()
    {
        var network = new SocketNetwork();
        using var a = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var b = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var second = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Start((datagram, _) =>
        {
            var text = Encoding.ASCII.GetString(datagram);
            if (text == "boom")
            {
                throw new InvalidOperationException("handler bug");
            }

            second.TrySetResult(text);
        });
        a.Send("boom"u8, b.LocalEndPoint);
        var text = await SendUntilReceived(a, b.LocalEndPoint, "after", second.Task);
        Assert.Equal("after", text);
    }

    [Fact]
    public async Task Tcp_connect_and_accept_exchange_bytes_both_ways()
    {
        var network = new SocketNetwork();
        await using var listener = network.ListenTcp(new IPEndPoint(IPAddress.Loopback, 0));
        using var cts = new CancellationTokenSource(Timeout);
        var acceptTask = listener.AcceptAsync(cts.Token).AsTask();
        await using var client = await network.ConnectTcpAsync(listener.LocalEndPoint, cts.Token);
        await using var server = await acceptTask;

        Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
        Assert.Equal(listener.LocalEndPoint, client.RemoteEndPoint);

        await client.Stream.WriteAsync("ping"u8.ToArray(), cts.Token);
        var buffer = new byte[4];
        await server.Stream.ReadExactlyAsync(buffer, cts.Token);
        Assert.Equal("ping", Encoding.ASCII.GetString(buffer));

        await server.Stream.WriteAsync("pong"u8.ToArray(), cts.Token);
        await client.Stream.ReadExactlyAsync(buffer, cts.Token);
        Assert.Equal("pong", Encoding.ASCII.GetString(buffer));
    }

    [Fact]
    public async Task Connecting_to_a_closed_port_fails_with_a_socket_error()
    {
        var network = new SocketNetwork();
        IPEndPoint closed;
        await using (var listener = network.ListenTcp(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            closed = listener.LocalEndPoint;
        }

        using var cts = new CancellationTokenSource(Timeout);
        await Assert.ThrowsAsync<SocketException>(async () => await network.ConnectTcpAsync(closed, cts.Token));
    }

    [Fact]
    public void Interface_addresses_are_unicast_and_never_ipv6_link_local()
    {
        var addresses = new SocketNetwork().GetInterfaceAddresses();

        Assert.NotEmpty(addresses);
        Assert.All(addresses, address =>
        {
            Assert.True(address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6);
            Assert.False(address.IsIPv6LinkLocal);
            Assert.False(address.IsIPv6Multicast);
        });
        if (addresses.Any(address => !IPAddress.IsLoopback(address)))
        {
            Assert.DoesNotContain(addresses, IPAddress.IsLoopback);
        }
    }

    private static async Task<T> SendUntilReceived<T>(IUdpEndpoint from, IPEndPoint to, string text, Task<T> received)
    {
        // Loopback UDP can still drop under load; resend as a protocol would.
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            from.Send(Encoding.ASCII.GetBytes(text), to);
            var done = await Task.WhenAny(received, Task.Delay(200));
            if (done == received)
            {
                return await received;
            }
        }

        throw new TimeoutException($"nothing arrived at {to}");
    }
}
