using Mesh.Transport.Sctp;
using Mesh.Transport.Sctp.Chunks;

namespace Mesh.Transport.Tests.Sctp;

public sealed class AssociationRobustnessTests
{
    [Fact]
    public void FuzzedChunksWithValidChecksumsNeverThrowAndEitherAreIgnoredOrAbort()
    {
        var random = new Random(77);
        var captured = new List<byte[]>();
        var aborted = 0;
        for (var round = 0; round < 40; round++)
        {
            using var pair = new AssociationPair(seed: round + 100);
            captured.Clear();
            pair.Link.TapAToB = data =>
            {
                if (captured.Count < 400)
                {
                    captured.Add(data);
                }

                return data;
            };
            pair.Connect();
            pair.A.TrySend(1, 53, new byte[5000]);
            pair.Link.RunUntil(() => pair.ReceivedByB.Count == 1, TimeSpan.FromSeconds(5));
            for (var i = 0; i < 50 && pair.B.State != AssociationState.Terminated; i++)
            {
                var packet = (byte[])captured[random.Next(captured.Count)].Clone();
                var mutations = random.Next(1, 6);
                for (var m = 0; m < mutations; m++)
                {
                    var at = random.Next(SctpCommonHeader.Size, packet.Length);
                    packet[at] = (byte)random.Next(256);
                }

                if (random.Next(4) == 0)
                {
                    Array.Resize(ref packet, random.Next(SctpCommonHeader.Size + 1, packet.Length + 1));
                }

                SctpCommonHeader.Seal(packet);
                pair.B.OnPacket(packet); // must not throw
            }

            aborted += pair.B.State == AssociationState.Terminated ? 1 : 0;
            pair.Link.RunUntil(() => false, TimeSpan.FromSeconds(2)); // timers and the peer's answers must not throw either
        }

        Assert.True(aborted > 0, "no fuzzed packet was ever judged malformed");
    }

    [Fact]
    public void RandomBytesAreDroppedWithoutEffect()
    {
        using var pair = new AssociationPair();
        pair.Connect();
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var packet = new byte[random.Next(0, 1300)];
            random.NextBytes(packet);
            pair.B.OnPacket(packet);
        }

        Assert.Equal(AssociationState.Established, pair.B.State);
        Assert.Equal(2000, pair.B.Statistics.PacketsDropped);
    }

    [Fact]
    public void ForwardTsnSkipsAbandonedDataAndLaterMessagesAreDelivered()
    {
        using var pair = new AssociationPair();
        pair.Connect();
        byte[]? dropped = null;
        pair.Link.TapAToB = data =>
        {
            if (dropped is null && data.Length > SctpCommonHeader.Size && data[SctpCommonHeader.Size] == (byte)ChunkType.Data)
            {
                dropped = data;
                return null;
            }

            return data;
        };
        pair.A.TrySend(2, 51, "lost"u8, unordered: true);
        pair.Link.RunUntil(() => dropped is not null, TimeSpan.FromSeconds(1));
        Assert.True(DataChunk.TryParse(dropped.AsSpan(SctpCommonHeader.Size), out var lost));
        var lostTsn = lost.Tsn;

        // Forge the FORWARD TSN the sender would send after abandoning that message.
        var forward = new byte[SctpCommonHeader.Size + 8];
        Array.Copy(dropped!, forward, SctpCommonHeader.Size);
        ForwardTsnChunk.Write(forward.AsSpan(SctpCommonHeader.Size), lostTsn, []);
        SctpCommonHeader.Seal(forward);
        uint? cumulativeAfter = null;
        pair.Link.TapBToA = data =>
        {
            if (data[SctpCommonHeader.Size] == (byte)ChunkType.Sack && SackChunk.TryParse(data.AsSpan(SctpCommonHeader.Size), out var sack))
            {
                cumulativeAfter = sack.CumulativeTsnAck;
            }

            return data;
        };
        var droppedBefore = pair.B.Statistics.PacketsDropped;
        pair.B.OnPacket(forward);
        Assert.Equal(droppedBefore, pair.B.Statistics.PacketsDropped);
        Assert.Equal(lostTsn, cumulativeAfter);
        Assert.Empty(pair.ReceivedByB);
    }
}
