using System.Net;
using System.Net.Sockets;
using Mesh.Peer.Identity;
using Mesh.Peer.Links;
using Mesh.Peer.Sync;
using Mesh.Peer.Tests.Sync;

namespace Mesh.Peer.Tests.Links;

public sealed class DirectLinkServiceTests
{
    private static readonly DirectLinkOptions Fast = new() { MinBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(300), ConnectTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_port_in_use_gives_an_error_naming_the_address()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        using var identity = DeviceIdentity.CreateEphemeral();
        await using var service = new DirectLinkService(identity, new IPEndPoint(IPAddress.Loopback, port), [], (_, _) => Task.CompletedTask, TimeProvider.System, new Random(1), new ListLoggerProvider());

        var error = Assert.Throws<DirectLinkException>(service.Start);

        Assert.Equal($"cannot listen on tcp://127.0.0.1:{port}: address already in use", error.Message);
    }

    [Fact]
    public async Task Two_services_connect_and_reconnect_after_one_is_stopped_and_started_again()
    {
        using var a = DeviceIdentity.CreateEphemeral();
        using var b = DeviceIdentity.CreateEphemeral();
        var port = LoopbackTcp.FreePort();
        var aLinks = new LinkRecorder();
        var bLinks = new LinkRecorder();
        var aService = new DirectLinkService(a, new IPEndPoint(IPAddress.Loopback, port), [new DirectPeer(b.Id, string.Empty, 0)], aLinks.RunAsync, TimeProvider.System, new Random(1), new ListLoggerProvider(), Fast);
        await using var bService = new DirectLinkService(b, null, [new DirectPeer(a.Id, "127.0.0.1", port)], bLinks.RunAsync, TimeProvider.System, new Random(2), new ListLoggerProvider(), Fast);
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var runA = aService.RunAsync(stopA.Token);
        var runB = bService.RunAsync(stopB.Token);

        await Eventually.TrueAsync(() => aService.Peers[0].Connected && bService.Peers[0].Connected, "b dialled a");
        Assert.Equal($"tcp://127.0.0.1:{port}", bService.Peers[0].Address);
        Assert.Equal("tcp-tls", bService.Peers[0].Path);
        Assert.Equal(b.Id, aLinks.Devices.Single());
        await bLinks.Latest!.SendAsync(new byte[] { 1, 2, 3 }, CancellationToken.None);
        await Eventually.TrueAsync(() => aLinks.Messages == 1, "a got b's message");
        var bytesOutBefore = bService.Peers[0].BytesOut;

        // a goes away: b notices and keeps redialling.
        await stopA.CancelAsync();
        await runA.WaitAsync(TimeSpan.FromSeconds(10));
        await aService.DisposeAsync();
        await Eventually.TrueAsync(() => !bService.Peers[0].Connected, "b saw a go");
        Assert.True(bService.Peers[0].BytesOut >= bytesOutBefore, "byte counters survive the link");

        // a comes back on the same port: b finds it again.
        await using var aAgain = new DirectLinkService(a, new IPEndPoint(IPAddress.Loopback, port), [new DirectPeer(b.Id, string.Empty, 0)], aLinks.RunAsync, TimeProvider.System, new Random(3), new ListLoggerProvider(), Fast);
        using var stopAgain = new CancellationTokenSource();
        var runAgain = aAgain.RunAsync(stopAgain.Token);
        await Eventually.TrueAsync(() => aAgain.Peers[0].Connected && bService.Peers[0].Connected, "b dialled a again");
        await bLinks.Latest!.SendAsync(new byte[] { 4 }, CancellationToken.None);
        await Eventually.TrueAsync(() => aLinks.Messages == 2, "a got b's message over the new link");
        Assert.True(bService.Peers[0].BytesOut > bytesOutBefore, "bytes are summed over links");

        await stopAgain.CancelAsync();
        await stopB.CancelAsync();
        await Task.WhenAll(runAgain, runB).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task When_both_dial_at_once_both_keep_the_connection_dialled_by_the_lower_device_id()
    {
        using var a = DeviceIdentity.CreateEphemeral();
        using var b = DeviceIdentity.CreateEphemeral();
        var aPort = LoopbackTcp.FreePort();
        var bPort = LoopbackTcp.FreePort();
        var aLinks = new LinkRecorder();
        var bLinks = new LinkRecorder();
        await using var aService = new DirectLinkService(a, new IPEndPoint(IPAddress.Loopback, aPort), [new DirectPeer(b.Id, "127.0.0.1", bPort)], aLinks.RunAsync, TimeProvider.System, new Random(1), new ListLoggerProvider(), Fast);
        await using var bService = new DirectLinkService(b, new IPEndPoint(IPAddress.Loopback, bPort), [new DirectPeer(a.Id, "127.0.0.1", aPort)], bLinks.RunAsync, TimeProvider.System, new Random(2), new ListLoggerProvider(), Fast);
        aService.Start();
        bService.Start();
        using var stop = new CancellationTokenSource();
        var runs = Task.WhenAll(aService.RunAsync(stop.Token), bService.RunAsync(stop.Token));

        await Eventually.TrueAsync(() => aService.Peers[0].Connected && bService.Peers[0].Connected && aLinks.Active == 1 && bLinks.Active == 1, "one link each");
        await Task.Delay(1000);
        Assert.Equal(1, aLinks.Active);
        Assert.Equal(1, bLinks.Active);
        var aIsLower = a.Id.Bytes.SequenceCompareTo(b.Id.Bytes) < 0;
        var (lowerService, lowerPort, higherService, higherPort) = aIsLower ? (aService, aPort, bService, bPort) : (bService, bPort, aService, aPort);

        // The lower device dialled the surviving connection: it sees the higher one's listening port,
        // the higher one sees an ephemeral port of the lower one.
        Assert.Equal($"tcp://127.0.0.1:{higherPort}", lowerService.Peers[0].Address);
        Assert.NotEqual($"tcp://127.0.0.1:{lowerPort}", higherService.Peers[0].Address);

        // And it is one connection: a message sent by one arrives at the other.
        await aLinks.OnlyActive.SendAsync(new byte[] { 7 }, CancellationToken.None);
        await Eventually.TrueAsync(() => bLinks.Messages == 1, "message over the surviving link");

        await stop.CancelAsync();
        await runs.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_device_that_is_not_a_configured_peer_is_refused_and_named_in_the_log()
    {
        using var a = DeviceIdentity.CreateEphemeral();
        using var friend = DeviceIdentity.CreateEphemeral();
        using var stranger = DeviceIdentity.CreateEphemeral();
        var log = new ListLoggerProvider();
        var aLinks = new LinkRecorder();
        await using var aService = new DirectLinkService(a, new IPEndPoint(IPAddress.Loopback, 0), [new DirectPeer(friend.Id, string.Empty, 0)], aLinks.RunAsync, TimeProvider.System, new Random(1), log, Fast);
        aService.Start();
        using var stop = new CancellationTokenSource();
        var run = aService.RunAsync(stop.Token);

        var client = await Transport.Net.SocketNetwork.Instance.ConnectTcpAsync(aService.ListenEndpoint!);
        await using (client)
        {
            try
            {
                await using var link = await TlsLinkHandshake.ConnectAsync(client.Stream, stranger, a.Id, new ListLoggerProvider().CreateLogger("stranger"), CancellationToken.None);
                try
                {
                    Assert.Null(await link.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
                }
                catch (LinkClosedException)
                {
                    // Refused by a's alert.
                }
            }
            catch (DirectLinkException)
            {
                // Refused during the handshake.
            }
        }

        await Eventually.TrueAsync(() => log.Contains(stranger.Id.ToString()), "a logs the stranger's device ID");
        Assert.Equal(0, aLinks.Total);
        Assert.False(aService.Peers[0].Connected);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Stands in for the engine: reads each link until it ends and counts what it saw.</summary>
    private sealed class LinkRecorder
    {
        private int _active;
        private int _total;
        private int _messages;
        private readonly List<ILink> _running = [];

        public List<DeviceId> Devices { get; } = [];

        public ILink? Latest { get; private set; }

        // Replaced links may still be winding down when the newest starts (the service hands links over
        // from several tasks), so "the newest" is not always "the one alive"; this is.
        public ILink OnlyActive
        {
            get
            {
                lock (_running)
                {
                    return _running.Single();
                }
            }
        }

        public int Active => Volatile.Read(ref _active);

        public int Total => Volatile.Read(ref _total);

        public int Messages => Volatile.Read(ref _messages);

        public async Task RunAsync(ILink link, CancellationToken ct)
        {
            lock (Devices)
            {
                Devices.Add(link.RemoteDevice);
            }

            Latest = link;
            lock (_running)
            {
                _running.Add(link);
            }

            Interlocked.Increment(ref _active);
            Interlocked.Increment(ref _total);
            try
            {
                while (await link.ReceiveAsync(ct) is not null)
                {
                    Interlocked.Increment(ref _messages);
                }
            }
            catch (LinkClosedException)
            {
                // The link broke: the service redials.
            }
            finally
            {
                lock (_running)
                {
                    _running.Remove(link);
                }

                Interlocked.Decrement(ref _active);
            }
        }
    }
}
