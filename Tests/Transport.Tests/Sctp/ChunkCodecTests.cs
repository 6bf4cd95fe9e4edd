using Mesh.Transport.Sctp;
using Mesh.Transport.Sctp.Chunks;
using Mesh.Transport.Sctp.Parameters;

namespace Mesh.Transport.Tests.Sctp;

public sealed class ChunkCodecTests
{
    [Fact]
    public void DataChunkRoundTripsWithFlagsAndPadding()
    {
        var payload = new byte[] { 1, 2, 3, 4, 5 };
        var buffer = new byte[64];
        var written = new DataChunk(DataChunk.BeginningFlag | DataChunk.UnorderedFlag, 0xFFFFFFF0, 7, 9, 51, payload).WriteTo(buffer);
        Assert.Equal(24, written);
        Assert.True(DataChunk.TryParse(buffer.AsSpan(0, written), out var parsed));
        Assert.Equal(0xFFFFFFF0u, parsed.Tsn);
        Assert.Equal((ushort)7, parsed.StreamId);
        Assert.Equal((ushort)9, parsed.Ssn);
        Assert.Equal(51u, parsed.Ppid);
        Assert.True(parsed.Unordered && parsed.Beginning && !parsed.Ending);
        Assert.Equal(payload, parsed.UserData.ToArray());
    }

    [Fact]
    public void DataChunkWithoutUserDataIsRejected()
    {
        var buffer = new byte[16];
        new ChunkHeader(ChunkType.Data, 3, 16).WriteTo(buffer);
        Assert.False(DataChunk.TryParse(buffer, out _));
    }

    [Fact]
    public void SackRoundTripsGapBlocksAndDuplicates()
    {
        var buffer = new byte[128];
        GapAckBlock[] gaps = [new(2, 3), new(6, 9)];
        uint[] duplicates = [100, 101];
        var written = SackChunk.Write(buffer, 99, 65536, gaps, duplicates);
        Assert.True(SackChunk.TryParse(buffer.AsSpan(0, written), out var sack));
        Assert.Equal(99u, sack.CumulativeTsnAck);
        Assert.Equal(65536u, sack.AdvertisedWindow);
        Assert.Equal(2, sack.GapCount);
        Assert.Equal(new GapAckBlock(6, 9), sack.Gap(1));
        Assert.Equal(101u, sack.Duplicate(1));
    }

    [Fact]
    public void SackWhoseCountsDisagreeWithItsLengthIsRejected()
    {
        var buffer = new byte[128];
        var written = SackChunk.Write(buffer, 1, 1, [new GapAckBlock(1, 1)], []);
        buffer[13] = 5; // claims five gap blocks
        Assert.False(SackChunk.TryParse(buffer.AsSpan(0, written), out _));
    }

    [Fact]
    public void InitCarriesParametersAndRejectsAZeroTag()
    {
        var parameters = new byte[8];
        Parameter.Write(parameters, (ushort)ParameterType.ForwardTsnSupported, default);
        var buffer = new byte[64];
        var written = new InitChunk(new InitFields(1234, 100000, 10, 10, 42, parameters.AsSpan(0, 4))).WriteTo(buffer);
        Assert.True(InitChunk.TryParse(buffer.AsSpan(0, written), out var init));
        Assert.Equal(1234u, init.Fields.InitiateTag);
        Assert.Equal(42u, init.Fields.InitialTsn);
        var reader = new ParameterReader(init.Fields.Parameters);
        Assert.True(reader.MoveNext());
        Assert.Equal((ushort)ParameterType.ForwardTsnSupported, reader.Current.Type);

        new InitChunk(new InitFields(0, 100000, 10, 10, 42, default)).WriteTo(buffer);
        Assert.False(InitChunk.TryParse(buffer.AsSpan(0, 20), out _));
    }

    [Fact]
    public void ForwardTsnRoundTripsStreamPairs()
    {
        var buffer = new byte[32];
        var written = ForwardTsnChunk.Write(buffer, 77, [(3, 4), (5, 6)]);
        Assert.True(ForwardTsnChunk.TryParse(buffer.AsSpan(0, written), out var forward));
        Assert.Equal(77u, forward.NewCumulativeTsn);
        Assert.Equal(2, forward.StreamCount);
        Assert.Equal(((ushort)5, (ushort)6), forward.Stream(1));
    }

    [Fact]
    public void StateCookieRefusesATamperedOrForeignCookie()
    {
        var secret = new byte[32];
        new Random(1).NextBytes(secret);
        var buffer = new byte[StateCookie.Size];
        new StateCookie(1000, 1, 2, 3, 4, 5, 6, 7, true).WriteTo(buffer, secret);
        Assert.True(StateCookie.TryParse(buffer, secret, out var cookie));
        Assert.Equal(4u, cookie.PeerInitialTsn);
        buffer[5] ^= 1;
        Assert.False(StateCookie.TryParse(buffer, secret, out _));
        buffer[5] ^= 1;
        var other = (byte[])secret.Clone();
        other[0] ^= 1;
        Assert.False(StateCookie.TryParse(buffer, other, out _));
    }

    [Fact]
    public void PacketWithACorruptedByteFailsTheChecksum()
    {
        var packet = new byte[SctpCommonHeader.Size + 8];
        new SctpCommonHeader(5000, 5000, 99).WriteTo(packet);
        new ShutdownChunk(5).WriteTo(packet.AsSpan(SctpCommonHeader.Size));
        SctpCommonHeader.Seal(packet);
        Assert.True(SctpCommonHeader.TryParse(packet, out var header));
        Assert.Equal(99u, header.VerificationTag);
        packet[^1] ^= 0x10;
        Assert.False(SctpCommonHeader.TryParse(packet, out _));
    }
}
