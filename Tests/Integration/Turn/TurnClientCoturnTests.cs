using System.Net;
using System.Text;
using Mesh.TestSupport;
using Mesh.Transport.Net;
using Mesh.Transport.Turn;

namespace Mesh.Integration.Turn;

/// <summary>
/// The TURN client against the harness's coturn, with time-limited credentials derived from its
/// shared secret as an XMPP server's XEP-0215 service would hand them out.
/// </summary>
public sealed class TurnClientCoturnTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [SkippableTheory]
    [InlineData(TurnTransport.Udp)]
    [InlineData(TurnTransport.Tcp)]
    public async Task Allocating_returns_a_relayed_address_on_the_server_and_our_mapped_address(TurnTransport transport)
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        await using var client = await TurnClient.AllocateAsync(Options(turn, transport), cts.Token);

        Assert.Equal(IPAddress.Parse(turn.Host), client.RelayedAddress.Address);
        Assert.NotEqual(0, client.RelayedAddress.Port);
        Assert.Equal(client.ServerSideLocalEndPoint.Port, client.MappedAddress!.Port);
        Assert.True(client.Lifetime > TimeSpan.Zero);
    }

    [SkippableTheory]
    [InlineData(TurnTransport.Udp)]
    [InlineData(TurnTransport.Tcp)]
    public async Task Two_allocations_relay_datagrams_both_ways_by_indication_then_by_channel(TurnTransport transport)
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        await using var alice = await TurnClient.AllocateAsync(Options(turn, transport, "alice"), cts.Token);
        await using var bob = await TurnClient.AllocateAsync(Options(turn, transport, "bob"), cts.Token);
        var atAlice = new Inbox();
        var atBob = new Inbox();
        alice.Start(atAlice.Receive);
        bob.Start(atBob.Receive);
        await alice.CreatePermissionAsync(bob.RelayedAddress.Address, cts.Token);
        await bob.CreatePermissionAsync(alice.RelayedAddress.Address, cts.Token);

        var (text, from) = await SendUntil(() => alice.Send("hello bob"u8, bob.RelayedAddress), atBob, "hello bob", cts.Token);
        Assert.Equal(alice.RelayedAddress, from);

        (_, from) = await SendUntil(() => bob.Send("hello alice"u8, alice.RelayedAddress), atAlice, "hello alice", cts.Token);
        Assert.Equal(bob.RelayedAddress, from);

        // Explicit channels both ways: from now on data goes as 4-byte-header ChannelData.
        var channel = await alice.BindChannelAsync(bob.RelayedAddress, cts.Token);
        Assert.InRange(channel, ChannelDataMessage.MinChannel, ChannelDataMessage.MaxChannel);
        await bob.BindChannelAsync(alice.RelayedAddress, cts.Token);
        (text, from) = await SendUntil(() => alice.Send("over a channel"u8, bob.RelayedAddress), atBob, "over a channel", cts.Token);
        Assert.Equal("over a channel", text);
        Assert.Equal(alice.RelayedAddress, from);
    }

    [SkippableFact]
    public async Task A_plain_udp_peer_reaches_the_allocation_and_is_reached_from_it()
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        await using var client = await TurnClient.AllocateAsync(Options(turn, TurnTransport.Udp), cts.Token);
        using var peer = SocketNetwork.Instance.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var atClient = new Inbox();
        var atPeer = new Inbox();
        client.Start(atClient.Receive);
        peer.Start(atPeer.Receive);
        await client.CreatePermissionAsync(peer.LocalEndPoint.Address, cts.Token);

        var (_, from) = await SendUntil(() => peer.Send("to the relay"u8, client.RelayedAddress), atClient, "to the relay", cts.Token);
        Assert.Equal(peer.LocalEndPoint, from);

        (_, from) = await SendUntil(() => client.Send("from the relay"u8, peer.LocalEndPoint), atPeer, "from the relay", cts.Token);
        Assert.Equal(client.RelayedAddress, from);
    }

    [SkippableFact]
    public async Task Refreshing_extends_the_allocation_with_the_granted_lifetime()
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        await using var client = await TurnClient.AllocateAsync(Options(turn, TurnTransport.Udp), cts.Token);

        // RFC 8656: a request below the server's default (600 s) gets the default, so ask for more.
        var granted = await client.RefreshAsync(TimeSpan.FromSeconds(1200), cts.Token);

        Assert.Equal(TimeSpan.FromSeconds(1200), granted);
        Assert.Equal(granted, client.Lifetime);
    }

    [SkippableFact]
    public async Task Closing_deallocates_so_the_same_local_port_can_allocate_again()
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        var first = await TurnClient.AllocateAsync(Options(turn, TurnTransport.Udp), cts.Token);
        var local = new IPEndPoint(IPAddress.Loopback, first.ServerSideLocalEndPoint.Port);
        await first.DisposeAsync();

        // Without the deallocation coturn would answer 437 Allocation Mismatch for this 5-tuple for the
        // whole 600 s lifetime; with it, coturn frees the allocation on its next one-second tick.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        TurnClient? second = null;
        while (second is null)
        {
            try
            {
                second = await TurnClient.AllocateAsync(Options(turn, TurnTransport.Udp, local: local), cts.Token);
            }
            catch (TurnException error) when (error.ErrorCode == 437 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, cts.Token);
            }
            catch (System.Net.Sockets.SocketException error) when (error.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse && DateTime.UtcNow < deadline)
            {
                // Tests in other classes run at the same time and bind ephemeral ports: one of them can be
                // handed the port just freed. Theirs are short-lived, so wait for it as for coturn's tick.
                await Task.Delay(250, cts.Token);
            }
        }

        await using (second)
        {
            Assert.Equal(local.Port, second.ServerSideLocalEndPoint.Port);
        }
    }

    [SkippableTheory]
    [InlineData(TurnTransport.Udp)]
    [InlineData(TurnTransport.Tcp)]
    public async Task A_wrong_password_fails_cleanly_as_an_authentication_failure(TurnTransport transport)
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        var options = Options(turn, transport, credentials: new TurnCredentials("4000000000:mallory", "not-the-password"));

        var error = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(options, cts.Token));

        Assert.True(error.IsAuthenticationFailure, error.Message);
        Assert.Contains("refused the credentials", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Asking_for_an_ipv6_relay_from_an_ipv4_only_server_fails_with_440()
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        var options = Options(turn, TurnTransport.Udp);
        options = new TurnClientOptions
        {
            Server = options.Server,
            Credentials = options.Credentials,
            Network = options.Network,
            RelayedAddressFamily = System.Net.Sockets.AddressFamily.InterNetworkV6,
        };

        var error = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(options, cts.Token));

        Assert.Equal(440, error.ErrorCode);
        Assert.False(error.IsAuthenticationFailure);
    }

    [SkippableFact]
    public async Task Expired_time_limited_credentials_are_refused()
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        var expired = TurnCredentials.FromSharedSecret(turn.Secret, "late", DateTimeOffset.UtcNow.AddHours(-1));

        var error = await Assert.ThrowsAsync<TurnException>(
            () => TurnClient.AllocateAsync(Options(turn, TurnTransport.Udp, credentials: expired), cts.Token));

        Assert.True(error.IsAuthenticationFailure, error.Message);
    }

    private static TurnClientOptions Options(TurnTestServer turn, TurnTransport transport, string name = "mesh",
        TurnCredentials? credentials = null, IPEndPoint? local = null) => new()
    {
        Server = new IPEndPoint(IPAddress.Parse(turn.Host), turn.Port),
        Transport = transport,
        Credentials = credentials ?? TurnCredentials.FromSharedSecret(turn.Secret, name, DateTimeOffset.UtcNow.AddHours(1)),
        Network = SocketNetwork.Instance,
        LocalEndPoint = local,
    };

    private static async Task<(string Text, IPEndPoint From)> SendUntil(Action send, Inbox inbox, string expected, CancellationToken cancellationToken)
    {
        // The first datagrams can race the permission or channel on the server; resend like a protocol would.
        while (true)
        {
            send();
            var got = await inbox.WaitAsync(TimeSpan.FromMilliseconds(250), cancellationToken);
            if (got is { } value && value.Text == expected)
            {
                return value;
            }
        }
    }

    private sealed class Inbox
    {
        private readonly System.Threading.Channels.Channel<(string, IPEndPoint)> received =
            System.Threading.Channels.Channel.CreateUnbounded<(string, IPEndPoint)>();

        public void Receive(ReadOnlySpan<byte> datagram, IPEndPoint from) =>
            received.Writer.TryWrite((Encoding.UTF8.GetString(datagram), from));

        public async Task<(string Text, IPEndPoint From)?> WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linked.CancelAfter(wait);
            try
            {
                return await received.Reader.ReadAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }
}
