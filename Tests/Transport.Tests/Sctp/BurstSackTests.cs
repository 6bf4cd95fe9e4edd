using Mesh.Transport.Net;
using Mesh.Transport.Sctp;
using Mesh.Transport.Sctp.Chunks;

namespace Mesh.Transport.Tests.Sctp;

public sealed class BurstSackTests
{
    [Fact]
    public void Packets_delivered_in_one_burst_are_acknowledged_by_one_sack_when_the_burst_ends()
    {
        using var pair = new AssociationPair(seed: 5);
        pair.Connect();
        var held = new List<byte[]>();
        var sacks = new List<uint>();
        pair.Link.TapAToB = data => IsData(data) ? Hold(held, data) : data;
        pair.Link.TapBToA = data =>
        {
            if (data[SctpCommonHeader.Size] == (byte)ChunkType.Sack && SackChunk.TryParse(data.AsSpan(SctpCommonHeader.Size), out var sack))
            {
                sacks.Add(sack.CumulativeTsnAck);
            }

            return data;
        };
        pair.A.TrySend(1, 53, new byte[20_000]);
        Assert.True(held.Count >= 3, $"A sent {held.Count} DATA packets");
        var lastTsn = Tsn(held[^1]);

        using (DatagramBatch.Begin())
        {
            foreach (var packet in held)
            {
                pair.B.OnPacket(packet);
            }

            Assert.Empty(sacks);
        }

        Assert.Equal([lastTsn], sacks);
    }

    [Fact]
    public void Without_a_burst_every_second_packet_is_acknowledged_at_once()
    {
        using var pair = new AssociationPair(seed: 6);
        pair.Connect();
        var held = new List<byte[]>();
        var sacks = 0;
        pair.Link.TapAToB = data => IsData(data) ? Hold(held, data) : data;
        pair.Link.TapBToA = data =>
        {
            sacks += data[SctpCommonHeader.Size] == (byte)ChunkType.Sack ? 1 : 0;
            return data;
        };
        pair.A.TrySend(1, 53, new byte[20_000]);
        Assert.True(held.Count >= 2);

        pair.B.OnPacket(held[0]);
        Assert.Equal(0, sacks);
        pair.B.OnPacket(held[1]);
        Assert.Equal(1, sacks);
    }

    private static bool IsData(byte[] packet) => packet.Length > SctpCommonHeader.Size && packet[SctpCommonHeader.Size] == (byte)ChunkType.Data;

    private static byte[]? Hold(List<byte[]> held, byte[] packet)
    {
        held.Add(packet);
        return null;
    }

    private static uint Tsn(byte[] packet)
    {
        Assert.True(DataChunk.TryParse(packet.AsSpan(SctpCommonHeader.Size), out var data));
        return data.Tsn;
    }
}
