using System.Net;
using Mesh.Transport.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Transport.Tests.Net;

public sealed class DatagramBatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_batch_of_datagrams_arrives_whole_in_order_and_split_where_it_was_sent()
    {
        // Runs of equal sizes, a shorter one ending each run, a size change, and a second socket's
        // datagram in the middle: every boundary where a segmented send has to end.
        int[] sizes = [.. Enumerable.Repeat(1200, 70), 500, .. Enumerable.Repeat(1200, 3), 1300, 1300, 80, .. Enumerable.Repeat(64, 100), 1];
        var network = new SocketNetwork();
        using var a = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var other = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var b = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var received = new List<(byte[] Data, IPEndPoint From)>();
        using var all = new CountdownEvent(sizes.Length + 1);
        b.Start((datagram, remote) =>
        {
            lock (received)
            {
                received.Add((datagram.ToArray(), remote));
            }

            all.Signal();
        });
        a.Start((_, _) => { });
        other.Start((_, _) => { });

        using (DatagramBatch.Begin())
        {
            for (var i = 0; i < sizes.Length; i++)
            {
                a.Send(Datagram(i, sizes[i]), b.LocalEndPoint);
                if (i == 40)
                {
                    other.Send(Datagram(-1, 10), b.LocalEndPoint);
                }
            }
        }

        Assert.True(all.Wait(Timeout), $"{received.Count} of {sizes.Length + 1} datagrams arrived");
        var fromA = received.Where(r => r.From.Equals(a.LocalEndPoint)).Select(r => r.Data).ToList();
        Assert.Equal(sizes.Length, fromA.Count);
        for (var i = 0; i < sizes.Length; i++)
        {
            Assert.Equal(Datagram(i, sizes[i]), fromA[i]);
        }

        Assert.Equal(Datagram(-1, 10), Assert.Single(received, r => r.From.Equals(other.LocalEndPoint)).Data);
        if (UdpOffload.Supported)
        {
            Assert.True(((SocketUdpEndpoint)a).SegmentedSends > 0, "no segmented send");
            Assert.True(((SocketUdpEndpoint)b).CoalescedReceives > 0, "no coalesced receive");
        }
    }

    [Fact]
    public void Outside_a_batch_each_datagram_is_sent_at_once()
    {
        var network = new SocketNetwork();
        using var a = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var b = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var arrived = new SemaphoreSlim(0);
        b.Start((_, _) => arrived.Release());
        a.Start((_, _) => { });

        a.Send(new byte[100], b.LocalEndPoint);

        Assert.True(arrived.Wait(Timeout));
        Assert.Equal(0, ((SocketUdpEndpoint)a).SegmentedSends);
    }

    [Fact]
    public void Addresses_round_trip_through_the_kernels_layout()
    {
        Span<byte> buffer = stackalloc byte[UdpOffload.AddressCapacity];
        var v4 = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5000);
        var v6 = new IPEndPoint(IPAddress.Parse("2001:db8::1"), 65535);

        Assert.Equal(v4, UdpOffload.ReadAddress(buffer[..UdpOffload.WriteAddress(v4, System.Net.Sockets.AddressFamily.InterNetwork, buffer)]));
        Assert.Equal(v6, UdpOffload.ReadAddress(buffer[..UdpOffload.WriteAddress(v6, System.Net.Sockets.AddressFamily.InterNetworkV6, buffer)]));
        Assert.Equal(v4, UdpOffload.ReadAddress(buffer[..UdpOffload.WriteAddress(v4, System.Net.Sockets.AddressFamily.InterNetworkV6, buffer)]));
        Assert.Null(UdpOffload.ReadAddress(buffer[..3]));
    }

    private static byte[] Datagram(int index, int size)
    {
        var data = new byte[size];
        for (var i = 0; i < size; i++)
        {
            data[i] = (byte)(index * 31 + i);
        }

        return data;
    }
}
