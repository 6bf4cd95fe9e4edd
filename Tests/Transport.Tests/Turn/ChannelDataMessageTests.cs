using Mesh.Transport.Turn;

namespace Mesh.Transport.Tests.Turn;

public sealed class ChannelDataMessageTests
{
    [Fact]
    public void A_frame_writes_and_reads_back_with_and_without_padding()
    {
        var buffer = new byte[16];
        var written = new ChannelDataMessage(0x4abc, "voice"u8).WriteTo(buffer, pad: true);

        Assert.Equal(12, written);
        Assert.Equal(new byte[] { 0x40 | 0x0a, 0xbc, 0, 5 }, buffer[..4]);
        Assert.True(ChannelDataMessage.TryParse(buffer.AsSpan(0, written), out var parsed));
        Assert.Equal(0x4abc, parsed.Channel);
        Assert.Equal("voice"u8.ToArray(), parsed.Data.ToArray());
        Assert.True(ChannelDataMessage.TryGetFrameLength(buffer, out var frame));
        Assert.Equal(12, frame);
        Assert.Equal(9, new ChannelDataMessage(0x4000, "voice"u8).WriteTo(buffer, pad: false));
    }

    [Fact]
    public void Frames_that_are_too_short_or_outside_the_channel_range_are_rejected()
    {
        Assert.False(ChannelDataMessage.TryParse(new byte[] { 0x40, 0x00, 0x00 }, out _));
        Assert.False(ChannelDataMessage.TryParse(new byte[] { 0x40, 0x00, 0x00, 0x05, 1, 2 }, out _));
        Assert.False(ChannelDataMessage.TryParse(new byte[] { 0x50, 0x00, 0x00, 0x00 }, out _));
        Assert.False(ChannelDataMessage.TryParse(new byte[] { 0x3f, 0xff, 0x00, 0x00 }, out _));
        Assert.False(ChannelDataMessage.IsChannelData(new byte[] { 0x00, 0x01 }));
    }

    [Fact]
    public void Random_bytes_never_make_the_parser_throw_or_read_past_the_input()
    {
        var random = new Random(8656);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            if (ChannelDataMessage.TryParse(bytes, out var message))
            {
                Assert.True(message.Data.Length <= bytes.Length - 4);
            }
        }
    }
}
