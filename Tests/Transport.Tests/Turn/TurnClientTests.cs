using System.Net;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;
using Mesh.Transport.Tests.Stun;
using Mesh.Transport.Turn;

namespace Mesh.Transport.Tests.Turn;

public sealed class TurnClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TurnCredentials Credentials = new("1700000000:test", "password");

    [Fact]
    public async Task A_stale_nonce_is_replaced_by_the_servers_new_one_and_the_request_repeated()
    {
        using var server = new FakeTurnServer(Credentials.Username, Credentials.Password, staleNonces: 1);
        using var cts = new CancellationTokenSource(Timeout);

        // A clock that stands still: on a loaded machine a retransmission would add a request to the list.
        await using var client = await TurnClient.AllocateAsync(Options(server, new ManualTimeProvider()), cts.Token);

        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.77"), 50000), client.RelayedAddress);
        var allocates = server.Requests.Where(r => r.Method == StunMethod.Allocate).Select(r => r.Nonce).ToArray();
        Assert.Equal(new[] { null, "nonce-1", "nonce-2" }, allocates);
    }

    [Fact]
    public async Task A_success_response_that_fails_its_integrity_check_is_refused()
    {
        using var server = new FakeTurnServer(Credentials.Username, Credentials.Password) { CorruptIntegrity = true };
        using var cts = new CancellationTokenSource(Timeout);

        var error = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(Options(server, TimeProvider.System), cts.Token));

        Assert.Contains("MESSAGE-INTEGRITY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_allocation_is_refreshed_half_way_through_a_short_lifetime_and_permissions_after_four_minutes()
    {
        var time = new ManualTimeProvider();
        using var server = new FakeTurnServer(Credentials.Username, Credentials.Password) { Lifetime = 100 };
        using var cts = new CancellationTokenSource(Timeout);
        await using var client = await TurnClient.AllocateAsync(Options(server, time), cts.Token);
        await client.CreatePermissionAsync(IPAddress.Parse("198.51.100.1"), cts.Token);

        time.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(200, cts.Token);
        Assert.Equal(0, server.Count(StunMethod.Refresh));

        time.Advance(TimeSpan.FromSeconds(30)); // 60 s: past the 50 s refresh point
        await WaitFor(() => server.Count(StunMethod.Refresh) == 1, cts.Token);

        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30)); // to 240 s
            await Task.Delay(50, cts.Token);
        }

        await WaitFor(() => server.Count(StunMethod.CreatePermission) >= 2, cts.Token);
    }

    [Fact]
    public async Task Disposing_sends_a_refresh_with_lifetime_zero()
    {
        using var server = new FakeTurnServer(Credentials.Username, Credentials.Password);
        using var cts = new CancellationTokenSource(Timeout);
        var client = await TurnClient.AllocateAsync(Options(server, TimeProvider.System), cts.Token);

        await client.DisposeAsync();

        Assert.Contains(server.Requests, r => r.Method == StunMethod.Refresh && r.Lifetime == 0);
    }

    [Fact]
    public async Task A_437_answer_reports_the_allocation_lost_once_then_nothing_is_relayed_refreshed_or_deallocated()
    {
        var time = new ManualTimeProvider();
        using var server = new FakeTurnServer(Credentials.Username, Credentials.Password) { Lifetime = 100 };
        using var cts = new CancellationTokenSource(Timeout);
        var client = await TurnClient.AllocateAsync(Options(server, time), cts.Token);
        var reasons = new System.Collections.Concurrent.ConcurrentQueue<string>();
        client.AllocationLost += reasons.Enqueue;
        server.AllocationGone = true;

        var error = await Assert.ThrowsAsync<TurnException>(() => client.CreatePermissionAsync(IPAddress.Parse("198.51.100.1"), cts.Token));
        await Assert.ThrowsAsync<TurnException>(() => client.RefreshAsync(cancellationToken: cts.Token));

        Assert.Equal(437, error.ErrorCode);
        Assert.True(client.IsAllocationLost);
        Assert.Contains("437", Assert.Single(reasons), StringComparison.Ordinal);
        var before = server.Datagrams;
        client.Send([1, 2, 3], new IPEndPoint(IPAddress.Parse("198.51.100.1"), 9));
        time.Advance(TimeSpan.FromSeconds(60)); // past the 50 s refresh point
        await Task.Delay(200, cts.Token);
        await client.DisposeAsync();
        Assert.Equal(before, server.Datagrams);
    }

    [Fact]
    public async Task A_400_to_a_permission_is_checked_with_a_refresh_which_finds_the_allocation_gone()
    {
        using var server = new FakeTurnServer(Credentials.Username, Credentials.Password) { GoneLikeCoturn = true };
        using var cts = new CancellationTokenSource(Timeout);
        await using var client = await TurnClient.AllocateAsync(Options(server, new ManualTimeProvider()), cts.Token);
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.AllocationLost += reason => lost.TrySetResult(reason);
        server.AllocationGone = true;

        var error = await Assert.ThrowsAsync<TurnException>(() => client.CreatePermissionAsync(IPAddress.Parse("198.51.100.1"), cts.Token));

        Assert.Equal(400, error.ErrorCode);
        Assert.Contains("Refresh", await lost.Task.WaitAsync(cts.Token), StringComparison.Ordinal);
        Assert.True(client.IsAllocationLost);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_fails_the_allocation_once_the_schedule_runs_out()
    {
        var time = new ManualTimeProvider();
        using var silent = SocketNetwork.Instance.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Start((_, _) => { });
        var options = new TurnClientOptions
        {
            Server = silent.LocalEndPoint,
            Credentials = Credentials,
            Network = SocketNetwork.Instance,
            Time = time,
        };

        var allocate = TurnClient.AllocateAsync(options);
        time.Advance(TimeSpan.FromSeconds(40));
        var error = await Assert.ThrowsAsync<TurnException>(() => allocate.WaitAsync(Timeout));

        Assert.Null(error.ErrorCode);
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_on_a_shared_socket_allocates_while_the_owner_keeps_its_other_datagrams()
    {
        using var server = new FakeTurnServer(Credentials.Username, Credentials.Password);
        using var socket = SocketNetwork.Instance.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var shared = new TurnSharedSocket(socket.Send, socket.LocalEndPoint);
        var others = 0;
        socket.Start((datagram, remote) =>
        {
            if (!shared.OnDatagram(datagram, remote))
            {
                Interlocked.Increment(ref others);
            }
        });
        using var stranger = SocketNetwork.Instance.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var cts = new CancellationTokenSource(Timeout);
        var options = new TurnClientOptions
        {
            Server = server.EndPoint,
            Credentials = Credentials,
            Network = SocketNetwork.Instance,
            SharedSocket = shared,
        };

        await using (var client = await TurnClient.AllocateAsync(options, cts.Token))
        {
            Assert.Equal(socket.LocalEndPoint, client.ServerSideLocalEndPoint);
            Assert.Equal(socket.LocalEndPoint, client.MappedAddress);
            stranger.Send([1, 2, 3], socket.LocalEndPoint);
            await WaitFor(() => Volatile.Read(ref others) == 1, cts.Token);
        }

        // Closed: the socket still works for its owner, and the server's datagrams are no longer taken.
        Assert.False(shared.OnDatagram(new byte[20], server.EndPoint));
        Assert.Contains(server.Requests, r => r.Method == StunMethod.Refresh && r.Lifetime == 0);
    }

    private static TurnClientOptions Options(FakeTurnServer server, TimeProvider time) => new()
    {
        Server = server.EndPoint,
        Credentials = Credentials,
        Network = SocketNetwork.Instance,
        Time = time,
        LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
    };

    private static async Task WaitFor(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
