using Mesh.Transport.Sctp;

namespace Mesh.Transport.Tests.Sctp;

public sealed class AssociationTests
{
    [Fact]
    public void OneSidedConnectEstablishesBothSides()
    {
        using var pair = new AssociationPair();
        pair.Connect(both: false);
    }

    [Fact]
    public void SimultaneousInitsFromBothSidesEstablishOneAssociation()
    {
        using var pair = new AssociationPair(seed: 3);
        pair.Connect(both: true);
        pair.A.TrySend(0, 51, "ping"u8);
        pair.B.TrySend(0, 51, "pong"u8);
        Assert.True(pair.Link.RunUntil(() => pair.ReceivedByA.Count == 1 && pair.ReceivedByB.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal("pong"u8.ToArray(), pair.ReceivedByA[0].Data);
        Assert.Equal("ping"u8.ToArray(), pair.ReceivedByB[0].Data);
    }

    [Fact]
    public void HandshakeSurvivesLossOfEarlyPackets()
    {
        using var pair = new AssociationPair(seed: 4);
        var dropped = 0;
        pair.Link.TapAToB = data => dropped++ < 2 ? null : data;
        pair.Link.TapBToA = data => dropped++ < 4 ? null : data;
        pair.Connect(both: false);
    }

    [Fact]
    public void LargeMessagesAreFragmentedAndReassembledWithPpidKept()
    {
        using var pair = new AssociationPair();
        pair.Connect();
        var message = new byte[250_000];
        new Random(2).NextBytes(message);
        Assert.Equal(SendStatus.Queued, pair.A.TrySend(3, 53, message));
        Assert.True(pair.Link.RunUntil(() => pair.ReceivedByB.Count == 1, TimeSpan.FromSeconds(10)));
        Assert.Equal((ushort)3, pair.ReceivedByB[0].Stream);
        Assert.Equal(53u, pair.ReceivedByB[0].Ppid);
        Assert.Equal(message, pair.ReceivedByB[0].Data);
    }

    [Fact]
    public void OrderedStreamsKeepOrderUnderReorderingAndUnorderedMessagesAllArrive()
    {
        using var pair = new AssociationPair(seed: 9);
        pair.Link.AToB = new LinkConditions { Reordering = 0.3, Loss = 0.02 };
        pair.Connect();
        for (var i = 0; i < 300; i++)
        {
            pair.A.TrySend((ushort)(i % 3), 51, BitConverter.GetBytes(i));
            pair.A.TrySend(7, 51, BitConverter.GetBytes(1000 + i), unordered: true);
        }

        Assert.True(pair.Link.RunUntil(() => pair.ReceivedByB.Count == 600, TimeSpan.FromSeconds(60)));
        for (ushort stream = 0; stream < 3; stream++)
        {
            var values = pair.ReceivedByB.Where(m => m.Stream == stream).Select(m => BitConverter.ToInt32(m.Data)).ToList();
            Assert.Equal(Enumerable.Range(0, 300).Where(i => i % 3 == stream), values);
        }

        var unordered = pair.ReceivedByB.Where(m => m.Stream == 7).Select(m => BitConverter.ToInt32(m.Data)).Order();
        Assert.Equal(Enumerable.Range(1000, 300), unordered);
    }

    public static TheoryData<string, double, double, double, int> Conditions => new()
    {
        { "clean", 0, 0, 0, 1200 },
        { "loss 1%", 0.01, 0, 0, 1200 },
        { "loss 5%", 0.05, 0, 0, 1200 },
        { "reordering", 0, 0, 0.2, 1200 },
        { "duplication", 0, 0.1, 0, 1200 },
        { "small MTU with loss, reordering and duplication", 0.02, 0.05, 0.1, 576 },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public void TransferInBothDirectionsAtOnceArrivesWholeAndInOrder(string name, double loss, double duplication, double reordering, int mtu)
    {
        const long Bytes = 8L * 1024 * 1024;
        using var pair = TwoWayTransfer.Run(name, Bytes, new LinkConditions { Loss = loss, Duplication = duplication, Reordering = reordering, Mtu = mtu }, TimeSpan.FromMinutes(10));
        if (loss > 0)
        {
            Assert.True(pair.A.Statistics.Retransmissions > 0);
        }
    }

    [Fact]
    public void LossIsRepairedByFastRetransmitMoreOftenThanByTimeout()
    {
        using var pair = new AssociationPair(seed: 12);
        pair.Link.AToB = new LinkConditions { Loss = 0.01 };
        pair.Connect();
        var sender = new BulkSender(pair.A, 4 * 1024 * 1024, 65536, seed: 1);
        var receiver = new BulkReceiver(pair.B, 4 * 1024 * 1024);
        sender.Pump();
        Assert.True(pair.Link.RunUntil(() => receiver.Hash is not null, TimeSpan.FromMinutes(5)));
        Assert.True(pair.A.Statistics.FastRetransmissions > pair.A.Statistics.Timeouts, $"fast {pair.A.Statistics.FastRetransmissions}, timeouts {pair.A.Statistics.Timeouts}");
    }

    [Fact]
    public void SmallReceiveWindowStillCarriesLargeTransfer()
    {
        using var pair = new AssociationPair(configure: o => o with { ReceiveWindow = 128 * 1024 });
        pair.Connect();
        var sender = new BulkSender(pair.A, 2 * 1024 * 1024, 65536, seed: 1);
        var receiver = new BulkReceiver(pair.B, 2 * 1024 * 1024);
        sender.Pump();
        Assert.True(pair.Link.RunUntil(() => receiver.Hash is not null, TimeSpan.FromMinutes(2)));
        Assert.Equal(sender.Hash, receiver.Hash);
    }

    [Fact]
    public void PeerThatStopsAnsweringIsDetectedByHeartbeats()
    {
        using var pair = new AssociationPair(configure: o => o with { HeartbeatInterval = TimeSpan.FromSeconds(1), MaxRetransmissions = 3 });
        pair.Connect();
        string? reason = "not closed";
        pair.A.Closed += r => reason = r;
        pair.Link.BToA = new LinkConditions { Up = false };
        pair.Link.AToB = new LinkConditions { Up = false };
        Assert.True(pair.Link.RunUntil(() => pair.A.State == AssociationState.Terminated, TimeSpan.FromSeconds(30)));
        Assert.Contains("stopped answering", reason, StringComparison.Ordinal);
        Assert.True(pair.A.Statistics.HeartbeatsSent >= 3);
    }

    [Fact]
    public void HeartbeatsKeepAnIdleHealthyAssociationOpen()
    {
        using var pair = new AssociationPair(configure: o => o with { HeartbeatInterval = TimeSpan.FromSeconds(1), MaxRetransmissions = 2 });
        pair.Connect();
        pair.Link.RunUntil(() => false, TimeSpan.FromSeconds(30));
        Assert.Equal(AssociationState.Established, pair.A.State);
        Assert.True(pair.A.Statistics.HeartbeatsSent >= 10);
    }

    [Fact]
    public void DeadReceiverBoundsTheSendBuffer()
    {
        using var pair = new AssociationPair(configure: o => o with { SendBufferLimit = 1024 * 1024, MaxRetransmissions = 100 });
        pair.Connect();
        pair.Link.AToB = new LinkConditions { Up = false };
        var message = new byte[60_000];
        var queued = 0;
        while (pair.A.TrySend(1, 53, message) == SendStatus.Queued)
        {
            queued++;
            Assert.True(queued < 1000, "the send buffer never filled");
        }

        Assert.True(pair.A.BufferedAmount <= 1024 * 1024);
        pair.Link.RunUntil(() => false, TimeSpan.FromSeconds(20));
        Assert.Equal(SendStatus.BufferFull, pair.A.TrySend(1, 53, message));
    }

    [Fact]
    public void GracefulShutdownDeliversOutstandingDataThenClosesBothSides()
    {
        using var pair = new AssociationPair(seed: 5);
        pair.Link.AToB = new LinkConditions { Loss = 0.05 };
        pair.Connect();
        string? reasonA = "open", reasonB = "open";
        pair.A.Closed += r => reasonA = r;
        pair.B.Closed += r => reasonB = r;
        var message = new byte[200_000];
        pair.A.TrySend(1, 53, message);
        pair.A.Shutdown();
        Assert.True(pair.Link.RunUntil(() => pair.A.State == AssociationState.Terminated && pair.B.State == AssociationState.Terminated, TimeSpan.FromSeconds(30)));
        Assert.Single(pair.ReceivedByB);
        Assert.Null(reasonA);
        Assert.Null(reasonB);
    }

    [Fact]
    public void AbortEndsThePeerWithTheReason()
    {
        using var pair = new AssociationPair();
        pair.Connect();
        string? reason = null;
        pair.B.Closed += r => reason = r;
        pair.A.Abort("going away");
        Assert.True(pair.Link.RunUntil(() => pair.B.State == AssociationState.Terminated, TimeSpan.FromSeconds(1)));
        Assert.Contains("going away", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamResetIsSeenByThePeerAndConfirmedToTheSender()
    {
        using var pair = new AssociationPair();
        pair.Connect();
        var incoming = new List<ushort>();
        var outgoing = new List<ushort>();
        pair.B.IncomingStreamReset += incoming.Add;
        pair.A.OutgoingStreamReset += outgoing.Add;
        pair.A.TrySend(4, 51, "last"u8);
        pair.A.ResetStream(4);
        Assert.True(pair.Link.RunUntil(() => incoming.Count == 1 && outgoing.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal((ushort)4, incoming[0]);
        Assert.Single(pair.ReceivedByB);
        pair.A.TrySend(4, 51, "again"u8);
        Assert.True(pair.Link.RunUntil(() => pair.ReceivedByB.Count == 2, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void MessageLargerThanTheReceiveLimitAbortsTheAssociation()
    {
        using var pair = new AssociationPair(configure: o => o with { MaxReceiveMessageSize = 10_000 });
        pair.Connect();
        pair.A.TrySend(1, 53, new byte[20_000]);
        Assert.True(pair.Link.RunUntil(() => pair.A.State == AssociationState.Terminated && pair.B.State == AssociationState.Terminated, TimeSpan.FromSeconds(5)));
        Assert.Contains("exceeds", pair.B.CloseReason, StringComparison.Ordinal);
    }
}
