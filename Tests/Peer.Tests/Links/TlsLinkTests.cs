using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Mesh.Peer.Identity;
using Mesh.Peer.Links;
using Mesh.Peer.Sync;
using Mesh.Peer.Tests.Sync;
using Mesh.Proto;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Peer.Tests.Links;

public sealed class TlsLinkTests
{
    [Fact]
    public async Task Two_engines_sync_a_folder_over_tls_on_loopback_tcp()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        a.Write("docs/readme.txt", "hello over tls");
        a.Write("data/blob.bin", RandomBytes(700_000, 3));
        b.Write("from-b.txt", "and back");
        await a.ScanAsync();
        await b.ScanAsync();

        await using var pair = await TlsLinkPair.CreateAsync(a.Identity, b.Identity);
        using var stop = new CancellationTokenSource();
        var runA = a.Engine.RunLinkAsync(pair.AToB, stop.Token);
        var runB = b.Engine.RunLinkAsync(pair.BToA, stop.Token);

        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && File.Exists(b.PathOf("data/blob.bin")) && File.Exists(a.PathOf("from-b.txt")), "trees equal over TLS");
        Assert.Equal(File.ReadAllBytes(a.PathOf("data/blob.bin")), File.ReadAllBytes(b.PathOf("data/blob.bin")));
        Assert.Equal("tcp-tls", pair.AToB.PathName);
        Assert.Equal(b.Id, pair.AToB.RemoteDevice);
        Assert.Equal(a.Id, pair.BToA.RemoteDevice);

        // Bytes are counted on the wire: the 700 kB file crossed from a to b, TLS and framing included.
        Assert.True(pair.AToB.BytesSent > 700_000, $"a sent {pair.AToB.BytesSent}");
        Assert.True(pair.BToA.BytesReceived > 700_000, $"b received {pair.BToA.BytesReceived}");

        await stop.CancelAsync();
        await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [SkippableFact]
    public async Task Both_sides_settle_on_aes_128_gcm_where_the_suites_can_be_chosen()
    {
        // OpenSSL's own order would give AES-256-GCM, whose extra rounds a bulk transfer pays on every byte.
        Skip.IfNot(OperatingSystem.IsLinux(), "only Linux lets .NET choose TLS 1.3 cipher suites");
        using var a = DeviceIdentity.CreateEphemeral();
        using var b = DeviceIdentity.CreateEphemeral();

        await using var pair = await TlsLinkPair.CreateAsync(a, b);

        Assert.Equal(TlsCipherSuite.TLS_AES_128_GCM_SHA256, pair.AToB.CipherSuite);
        Assert.Equal(TlsCipherSuite.TLS_AES_128_GCM_SHA256, pair.BToA.CipherSuite);
    }

    [SkippableFact]
    public async Task A_client_offering_only_aes_256_gcm_still_connects()
    {
        // The preference is an order, not a restriction: a peer built without it keeps working.
        Skip.IfNot(OperatingSystem.IsLinux(), "only Linux lets .NET choose TLS 1.3 cipher suites");
        using var client = DeviceIdentity.CreateEphemeral();
        using var server = DeviceIdentity.CreateEphemeral();
        var (tcpClient, tcpServer) = await LoopbackTcp.ConnectAsync();
        await using var c1 = tcpClient;
        await using var c2 = tcpServer;
        var accept = TlsLinkHandshake.AcceptAsync(tcpServer.Stream, server, _ => true, NullLogger.Instance, CancellationToken.None);
        using var certificate = client.CreateCertificate(DateTimeOffset.UtcNow);
        await using var tls = new SslStream(tcpClient.Stream, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "mesh",
            EnabledSslProtocols = SslProtocols.Tls13,
            CipherSuitesPolicy = OperatingSystem.IsLinux() ? new CipherSuitesPolicy([TlsCipherSuite.TLS_AES_256_GCM_SHA384]) : null,
            ClientCertificateContext = SslStreamCertificateContext.Create(certificate, null, offline: true),
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });

        await using var link = await accept.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(TlsCipherSuite.TLS_AES_256_GCM_SHA384, link.CipherSuite);
    }

    [Fact]
    public async Task A_server_with_another_devices_key_is_refused_and_the_log_names_both_ids()
    {
        using var client = DeviceIdentity.CreateEphemeral();
        using var expected = DeviceIdentity.CreateEphemeral();
        using var impostor = DeviceIdentity.CreateEphemeral();
        var log = new ListLoggerProvider();
        var (tcpClient, tcpServer) = await LoopbackTcp.ConnectAsync();
        await using var c1 = tcpClient;
        await using var c2 = tcpServer;

        var accept = TlsLinkHandshake.AcceptAsync(tcpServer.Stream, impostor, _ => true, log.CreateLogger("server"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<DirectLinkException>(() => TlsLinkHandshake.ConnectAsync(tcpClient.Stream, client, expected.Id, log.CreateLogger("client"), CancellationToken.None));

        Assert.Contains(expected.Id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(impostor.Id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.True(log.Contains(expected.Id.ToString()) && log.Contains(impostor.Id.ToString()), string.Join("\n", log.Lines));
        await NeverDeliversAsync(accept);
    }

    [Fact]
    public async Task A_client_that_is_not_a_known_device_is_refused_and_named_in_the_log()
    {
        using var stranger = DeviceIdentity.CreateEphemeral();
        using var server = DeviceIdentity.CreateEphemeral();
        var log = new ListLoggerProvider();
        var (tcpClient, tcpServer) = await LoopbackTcp.ConnectAsync();
        await using var c1 = tcpClient;
        await using var c2 = tcpServer;

        var connect = TlsLinkHandshake.ConnectAsync(tcpClient.Stream, stranger, server.Id, log.CreateLogger("client"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<DirectLinkException>(() => TlsLinkHandshake.AcceptAsync(tcpServer.Stream, server, _ => false, log.CreateLogger("server"), CancellationToken.None));

        Assert.Contains(stranger.Id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.True(log.Contains(stranger.Id.ToString()), string.Join("\n", log.Lines));

        await NeverDeliversAsync(connect);
    }

    [Fact]
    public async Task An_oversized_frame_closes_the_link_with_a_clear_error()
    {
        var options = new TlsLinkOptions { MaxMessageSize = 64 * 1024 };
        await using var hostile = await HostileConnection.CreateAsync(options);

        await hostile.Peer.WriteFrameAsync(0, 64 * 1024 + 1, new byte[100]);

        var error = await Assert.ThrowsAsync<LinkClosedException>(async () => await hostile.Link.ReceiveAsync(CancellationToken.None));
        Assert.Contains("frame of 65537 bytes exceeds the maximum of 65536 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(hostile.Log.Contains("exceeds the maximum"), string.Join("\n", hostile.Log.Lines));
        Assert.True(await hostile.Peer.ClosedByPeerAsync(TimeSpan.FromSeconds(10)), "the link was closed");
        Assert.True(hostile.Link.IsClosed);
    }

    [Theory]
    [InlineData("unknown flags")]
    [InlineData("bad zstd")]
    [InlineData("zstd bomb")]
    [InlineData("bytes beneath tls")]
    public async Task A_malformed_frame_drops_the_link_and_the_next_link_works(string kind)
    {
        var options = new TlsLinkOptions { MaxMessageSize = 64 * 1024 };
        await using (var hostile = await HostileConnection.CreateAsync(options))
        {
            switch (kind)
            {
                case "unknown flags":
                    await hostile.Peer.WriteFrameAsync(0x80, 3, [1, 2, 3]);
                    break;
                case "bad zstd":
                    await hostile.Peer.WriteFrameAsync(1, 200, RandomBytes(200, 5));
                    break;
                case "zstd bomb":
                    // A valid zstd frame of 1 MiB of zeros: tiny on the wire, far above the limit once decoded.
                    using (var compressor = new ZstdSharp.Compressor())
                    {
                        var bomb = compressor.Wrap(new byte[1024 * 1024]).ToArray();
                        await hostile.Peer.WriteFrameAsync(1, (uint)bomb.Length, bomb);
                    }

                    break;
                default:
                    await hostile.Peer.Wire.WriteAsync(RandomBytes(300, 6));
                    break;
            }

            var error = await Assert.ThrowsAsync<LinkClosedException>(async () => await hostile.Link.ReceiveAsync(CancellationToken.None));
            Assert.False(string.IsNullOrEmpty(error.Message));
            Assert.True(hostile.Link.IsClosed);
            Assert.True(hostile.Log.Contains("dropped"), string.Join("\n", hostile.Log.Lines));
        }

        // The process goes on: a fresh link carries messages.
        using var a = DeviceIdentity.CreateEphemeral();
        using var b = DeviceIdentity.CreateEphemeral();
        await using var pair = await TlsLinkPair.CreateAsync(a, b, options);
        await pair.AToB.SendAsync(new byte[] { 1, 2, 3 }, CancellationToken.None);
        var got = await pair.BToA.ReceiveAsync(CancellationToken.None);
        Assert.Equal(new byte[] { 1, 2, 3 }, got!.Value.ToArray());
    }

    [Fact]
    public async Task A_large_index_goes_compressed_and_a_tiny_one_does_not()
    {
        using var a = DeviceIdentity.CreateEphemeral();
        using var b = DeviceIdentity.CreateEphemeral();
        await using var pair = await TlsLinkPair.CreateAsync(a, b);

        var large = IndexMessage(2_000);
        var before = pair.AToB.BytesSent;
        await pair.AToB.SendAsync(large, CancellationToken.None);
        var received = await pair.BToA.ReceiveAsync(CancellationToken.None);
        var onWire = pair.AToB.BytesSent - before;

        Assert.Equal(large, received!.Value.ToArray());
        Assert.Equal(1, pair.AToB.CompressedMessagesSent);
        // Hashes are random and do not compress; names, versions and the rest do.
        Assert.True(onWire < large.Length * 0.8, $"{large.Length} bytes of index took {onWire} on the wire");

        var tiny = IndexMessage(1);
        before = pair.AToB.BytesSent;
        await pair.AToB.SendAsync(tiny, CancellationToken.None);
        received = await pair.BToA.ReceiveAsync(CancellationToken.None);
        Assert.Equal(tiny, received!.Value.ToArray());
        Assert.Equal(1, pair.AToB.CompressedMessagesSent);
        Assert.True(pair.AToB.BytesSent - before > tiny.Length, "a tiny index goes as it is");

        // Chunk data is never offered to zstd, however compressible.
        var response = SyncProtocol.Encode(new SyncEnvelope { Response = new Response { Id = 1, Data = ByteString.CopyFrom(new byte[100_000]) } });
        await pair.AToB.SendAsync(response, CancellationToken.None);
        received = await pair.BToA.ReceiveAsync(CancellationToken.None);
        Assert.Equal(response, received!.Value.ToArray());
        Assert.Equal(1, pair.AToB.CompressedMessagesSent);
    }

    [Fact]
    public async Task A_message_sent_with_room_in_front_arrives_as_it_was_and_an_index_still_goes_compressed()
    {
        using var a = DeviceIdentity.CreateEphemeral();
        using var b = DeviceIdentity.CreateEphemeral();
        await using var pair = await TlsLinkPair.CreateAsync(a, b);
        var room = pair.AToB.FrameRoom;

        var response = SyncProtocol.Encode(new SyncEnvelope { Response = new Response { Id = 7, Data = ByteString.CopyFrom(new byte[100_000]) } });
        var buffer = new byte[room + response.Length];
        response.CopyTo(buffer, room);
        await pair.AToB.SendWithRoomAsync(buffer, CancellationToken.None);
        var received = await pair.BToA.ReceiveAsync(CancellationToken.None);
        Assert.Equal(response, received!.Value.ToArray());
        Assert.Equal(0, pair.AToB.CompressedMessagesSent);

        var index = IndexMessage(2_000);
        buffer = new byte[room + index.Length];
        index.CopyTo(buffer, room);
        await pair.AToB.SendWithRoomAsync(buffer, CancellationToken.None);
        received = await pair.BToA.ReceiveAsync(CancellationToken.None);
        Assert.Equal(index, received!.Value.ToArray());
        Assert.Equal(1, pair.AToB.CompressedMessagesSent);

        var oversized = new byte[room + pair.AToB.MaxMessageSize + 1];
        await Assert.ThrowsAsync<ArgumentException>(() => pair.AToB.SendWithRoomAsync(oversized, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Closing_in_order_ends_the_peers_receive_with_null()
    {
        using var a = DeviceIdentity.CreateEphemeral();
        using var b = DeviceIdentity.CreateEphemeral();
        await using var pair = await TlsLinkPair.CreateAsync(a, b);
        await pair.AToB.SendAsync(new byte[] { 9 }, CancellationToken.None);
        await pair.AToB.CloseAsync();

        Assert.Equal(new byte[] { 9 }, (await pair.BToA.ReceiveAsync(CancellationToken.None))!.Value.ToArray());
        Assert.Null(await pair.BToA.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    // TLS 1.3 lets the side whose certificate is refused finish its handshake first; either way its
    // link never carries a message.
    private static async Task NeverDeliversAsync(Task<TlsLink> handshake)
    {
        TlsLink link;
        try
        {
            link = await handshake.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (DirectLinkException)
        {
            return;
        }

        await using (link)
        {
            try
            {
                Assert.Null(await link.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
            }
            catch (LinkClosedException)
            {
                // Closed by the refusing side's alert.
            }
        }
    }

    internal static byte[] IndexMessage(int entries)
    {
        var index = new Mesh.Proto.Index { Folder = "default", IndexId = 42, Last = true };
        for (var i = 0; i < entries; i++)
        {
            var entry = new FileEntry { Name = $"photos/2024/holiday/img_{i:D5}.jpg", Size = 2048, Mode = 420, ModifiedNs = 1_700_000_000_000_000_000 + i, Sequence = (ulong)i + 1 };
            entry.Version = new Vector();
            entry.Version.Counters.Add(new Counter { Id = 0x1234_5678_9abc_def0, Value = (ulong)i + 1 });
            entry.Manifest = new FileManifest { ChunkerId = 1, Size = 2048, FileHash = ByteString.CopyFrom(RandomBytes(32, i)) };
            entry.Manifest.Chunks.Add(new ChunkRef { Hash = ByteString.CopyFrom(RandomBytes(32, i + 1_000_000)), Length = 2048 });
            index.Files.Add(entry);
        }

        return SyncProtocol.Encode(new SyncEnvelope { Index = index });
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A TlsLink on the server side whose client is a <see cref="RawTlsPeer"/>.</summary>
    private sealed class HostileConnection : IAsyncDisposable
    {
        private readonly DeviceIdentity _server;
        private readonly DeviceIdentity _client;
        private readonly Transport.Net.ITcpConnection _serverTcp;

        private HostileConnection(DeviceIdentity server, DeviceIdentity client, Transport.Net.ITcpConnection serverTcp, TlsLink link, RawTlsPeer peer, ListLoggerProvider log)
        {
            _server = server;
            _client = client;
            _serverTcp = serverTcp;
            Link = link;
            Peer = peer;
            Log = log;
        }

        public TlsLink Link { get; }

        public RawTlsPeer Peer { get; }

        public ListLoggerProvider Log { get; }

        public static async Task<HostileConnection> CreateAsync(TlsLinkOptions options)
        {
            var server = DeviceIdentity.CreateEphemeral();
            var client = DeviceIdentity.CreateEphemeral();
            var log = new ListLoggerProvider();
            var (tcpClient, tcpServer) = await LoopbackTcp.ConnectAsync();
            var accept = TlsLinkHandshake.AcceptAsync(tcpServer.Stream, server, d => d == client.Id, options, log.CreateLogger("server"), CancellationToken.None);
            var peer = await RawTlsPeer.ConnectAsync(tcpClient, client);
            var link = await accept.WaitAsync(TimeSpan.FromSeconds(10));
            return new HostileConnection(server, client, tcpServer, link, peer, log);
        }

        public async ValueTask DisposeAsync()
        {
            await Link.DisposeAsync();
            await Peer.DisposeAsync();
            await _serverTcp.DisposeAsync();
            _server.Dispose();
            _client.Dispose();
        }
    }
}
