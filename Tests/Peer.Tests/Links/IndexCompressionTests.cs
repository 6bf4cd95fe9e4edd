using Mesh.Peer.Links;

namespace Mesh.Peer.Tests.Links;

/// <summary>
/// <see cref="IndexCompression"/> keeps one zstd context for compressing and one for decompressing
/// and reuses them: nothing of one message may leak into the next.
/// </summary>
public sealed class IndexCompressionTests
{
    private static byte[] Message(int seed, int length)
    {
        // Compressible like an index: repeated names with a counter, and some random bytes.
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = i % 64 < 48 ? (byte)('a' + (i / 64 % 26)) : (byte)random.Next(256);
        }

        return bytes;
    }

    [Fact]
    public void Reused_contexts_round_trip_messages_of_changing_size_and_level()
    {
        var buffer = Array.Empty<byte>();
        for (var i = 0; i < 30; i++)
        {
            var message = Message(i, 1_000 + (i * 7_919 % 200_000));
            var compressed = new byte[message.Length];
            Assert.True(IndexCompression.TryCompress(message, compressed, level: (i % 3) switch { 0 => 1, 1 => 3, _ => 9 }, out var written));

            Assert.True(IndexCompression.TryDecompress(compressed.AsSpan(0, written), 1 << 20, ref buffer, out var length, out var problem), problem);
            Assert.Equal(message, buffer.AsSpan(0, length).ToArray());
        }
    }

    [Fact]
    public void A_bad_frame_does_not_spoil_the_next_decode()
    {
        var message = Message(1, 100_000);
        var compressed = new byte[message.Length];
        Assert.True(IndexCompression.TryCompress(message, compressed, 3, out var written));
        // Cut short: the decoder fails in the middle of the frame.
        var corrupt = compressed.AsSpan(0, written / 2).ToArray();

        var buffer = Array.Empty<byte>();
        Assert.False(IndexCompression.TryDecompress(corrupt, 1 << 20, ref buffer, out _, out var problem));
        Assert.NotEmpty(problem);

        Assert.True(IndexCompression.TryDecompress(compressed.AsSpan(0, written), 1 << 20, ref buffer, out var length, out problem), problem);
        Assert.Equal(message, buffer.AsSpan(0, length).ToArray());
    }
}
