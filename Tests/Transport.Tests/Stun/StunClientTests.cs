using System.Net;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;

namespace Mesh.Transport.Tests.Stun;

public sealed class StunClientTests
{
    private static readonly IPEndPoint Server = new(IPAddress.Parse("192.0.2.1"), 3478);

    [Fact]
    public async Task An_unanswered_request_is_sent_on_the_rfc_8489_schedule_and_gives_up_after_39_5_seconds()
    {
        var time = new ManualTimeProvider();
        var sends = new List<TimeSpan>();
        using var client = new StunClient((_, _) => sends.Add(time.Elapsed), time, new Random(1));

        var task = client.BindAsync(Server);
        time.Advance(TimeSpan.FromMilliseconds(39_499));
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Null(await task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(new[] { 0, 500, 1500, 3500, 7500, 15500, 31500 }.Select(ms => TimeSpan.FromMilliseconds(ms)), sends);
        Assert.Equal(0, client.PendingCount);
        Assert.Equal(TimeSpan.FromMilliseconds(39_500), StunRetransmission.Default.TotalTimeout);
    }

    [Fact]
    public async Task A_response_completes_the_transaction_and_stops_retransmissions()
    {
        var time = new ManualTimeProvider();
        var sent = new List<byte[]>();
        using var client = new StunClient((datagram, _) => sent.Add(datagram.ToArray()), time, new Random(2));

        var task = client.BindAsync(Server);
        time.Advance(TimeSpan.FromMilliseconds(700)); // one retransmission at 500 ms
        var request = StunMessage.Parse(sent[^1]);
        var response = StunMessage.CreateResponse(request, StunClass.SuccessResponse);
        response.XorMappedAddress = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000);
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(client.OnDatagram(response.ToArray(fingerprint: true), Server));

        var result = await task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(result);
        Assert.True(result.IsSuccess);
        Assert.Equal(response.XorMappedAddress, result.Message.XorMappedAddress);
        Assert.Equal(2, result.Transmissions);
        Assert.Equal(TimeSpan.FromMilliseconds(250), result.RoundTripTime);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, sent.Count);
        Assert.False(client.OnDatagram(response.ToArray(), Server), "a duplicate response matches nothing");
    }

    [Fact]
    public Task With_inline_continuations_the_awaiting_code_resumes_on_the_delivering_thread() =>
        // On the default scheduler, as in the simulator: xunit's own scheduler would queue any continuation.
        Task.Run(() =>
        {
            var time = new ManualTimeProvider();
            var sent = new List<byte[]>();
            using var client = new StunClient((datagram, _) => sent.Add(datagram.ToArray()), time, new Random(7), runContinuationsInline: true);
            var resumedOn = -1;

            async Task AwaitBinding()
            {
                await client.BindAsync(Server).ConfigureAwait(false);
                resumedOn = Environment.CurrentManagedThreadId;
            }

            var task = AwaitBinding();
            var response = StunMessage.CreateResponse(StunMessage.Parse(sent[0]), StunClass.SuccessResponse);
            Assert.True(client.OnDatagram(response.ToArray(), Server));

            Assert.True(task.IsCompleted, $"status {task.Status}");
            Assert.Equal(Environment.CurrentManagedThreadId, resumedOn);
        });

    [Fact]
    public async Task A_sender_that_answers_synchronously_completes_the_transaction_without_deadlock()
    {
        // The simulator delivers on the sending thread: the response arrives before Send returns.
        var time = new ManualTimeProvider();
        StunClient? client = null;
        client = new StunClient((datagram, remote) =>
        {
            var response = StunMessage.CreateResponse(StunMessage.Parse(datagram), StunClass.SuccessResponse);
            response.XorMappedAddress = remote;
            client!.OnDatagram(response.ToArray(), remote);
        }, time, new Random(8), runContinuationsInline: true);
        using (client)
        {
            var first = await client.BindAsync(Server).WaitAsync(TimeSpan.FromSeconds(5));
            var second = await client.BindAsync(Server).WaitAsync(TimeSpan.FromSeconds(5));

            Assert.Equal(Server, first!.Message.XorMappedAddress);
            Assert.Equal(1, second!.Transmissions);
            Assert.Equal(0, client.PendingCount);
        }
    }

    [Fact]
    public void Datagrams_that_are_not_responses_to_our_transactions_are_left_alone()
    {
        var time = new ManualTimeProvider();
        using var client = new StunClient((_, _) => { }, time, new Random(3));
        _ = client.BindAsync(Server);
        var stranger = new StunMessage(StunMessageType.BindingSuccess, StunTransactionId.New(new Random(99)));

        Assert.False(client.OnDatagram(stranger.ToArray(), Server));
        Assert.False(client.OnDatagram(new byte[] { 0x40, 0x00, 0x00, 0x00 }, Server));
        Assert.False(client.OnDatagram(new StunMessage(StunMessageType.BindingRequest, stranger.TransactionId).ToArray(), Server));
        Assert.Equal(1, client.PendingCount);
    }

    [Fact]
    public async Task Cancelling_stops_the_transaction()
    {
        var time = new ManualTimeProvider();
        var sends = 0;
        using var client = new StunClient((_, _) => sends++, time, new Random(4));
        using var cts = new CancellationTokenSource();

        var task = client.BindAsync(Server, cancellationToken: cts.Token);
        await cts.CancelAsync();
        time.Advance(TimeSpan.FromSeconds(60));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(1, sends);
        Assert.Equal(0, client.PendingCount);
    }

    [Fact]
    public async Task Over_a_reliable_transport_a_request_is_sent_once_and_waits_ti()
    {
        var time = new ManualTimeProvider();
        var sends = 0;
        using var client = new StunClient((_, _) => sends++, time, new Random(5));

        var task = client.BindAsync(Server, StunRetransmission.ForReliable);
        time.Advance(TimeSpan.FromMilliseconds(39_499));
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Null(await task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, sends);
    }

    [Fact]
    public async Task Binding_against_the_responder_over_loopback_returns_our_own_address()
    {
        var network = new SocketNetwork();
        using var server = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        using var socket = network.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var responder = new StunBindingResponder { Software = "mesh test" };
        server.Start((datagram, remote) => responder.OnDatagram(datagram, remote, server.Send));
        using var client = new StunClient(socket.Send, TimeProvider.System, SecureRandom.Instance);
        socket.Start((datagram, remote) => client.OnDatagram(datagram, remote));

        var response = await client.BindAsync(server.LocalEndPoint).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(response);
        Assert.Equal(socket.LocalEndPoint, response.Message.XorMappedAddress);
        Assert.Equal("mesh test", response.Message.Software);
        Assert.True(response.Message.HasFingerprint);
    }

    [Fact]
    public void The_responder_with_a_short_term_key_answers_only_checks_that_carry_it()
    {
        var key = StunCredentials.ShortTermKey("remote-password");
        var responder = new StunBindingResponder { ShortTermKey = key };
        var remote = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000);
        var replies = new List<StunMessage>();
        void Send(ReadOnlySpan<byte> datagram, IPEndPoint to) => replies.Add(StunMessage.Parse(datagram));

        var check = new StunMessage(StunMessageType.BindingRequest, StunTransactionId.New(new Random(6))) { Username = "a:b", Priority = 1 };
        responder.OnDatagram(check.ToArray(StunIntegrity.Sha1, key, true), remote, Send);
        responder.OnDatagram(check.ToArray(StunIntegrity.Sha1, StunCredentials.ShortTermKey("wrong"), true), remote, Send);
        responder.OnDatagram(check.ToArray(fingerprint: true), remote, Send);
        check.OtherAttributes.Add(new StunAttribute(0x0033, new byte[4]));
        responder.OnDatagram(check.ToArray(StunIntegrity.Sha1, key, true), remote, Send);

        Assert.Equal(StunMessageType.BindingSuccess, replies[0].Type);
        Assert.Equal(remote, replies[0].XorMappedAddress);
        Assert.True(replies[0].CheckIntegrity(key));
        Assert.Equal(401, replies[1].ErrorCode!.Value.Code);
        Assert.Equal(400, replies[2].ErrorCode!.Value.Code);
        Assert.Equal(420, replies[3].ErrorCode!.Value.Code);
        Assert.Equal(new ushort[] { 0x0033 }, replies[3].UnknownAttributes);
    }
}
