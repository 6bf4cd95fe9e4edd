using FsCheck.Xunit;

namespace Mesh.Chunking.Tests;

public sealed class StreamChunkerTests
{
    private static readonly byte[] Input = TestData.Random((3 * 1024 * 1024) + 12_345, 21);
    private static readonly List<int> OneShot = Chunker.ChunkLengths(Input, ChunkerParameters.Default);

    [Property(MaxTest = 25)]
    public void Streaming_equals_one_shot_for_random_piece_sizes(ulong seed)
    {
        // Piece sizes from 1 byte to 1 MiB, drawn per read from the seed.
        var state = seed;
        var maxPiece = (int)(TestData.Next(ref state) % (1024 * 1024)) + 1;
        var streamed = Chunk(new PieceStream(Input, maxPiece, state), ChunkerParameters.Default, out _);
        Assert.Equal(OneShot, streamed);
    }

    [Fact]
    public void Streaming_one_byte_at_a_time_equals_one_shot()
    {
        var parameters = new ChunkerParameters(901, 256, 1024, 4096);
        var data = TestData.Random(200_000, 22);
        Assert.Equal(Chunker.ChunkLengths(data, parameters), Chunk(new PieceStream(data, 1, 1), parameters, out _));
    }

    [Fact]
    public void Chunks_are_the_input_bytes_at_their_offsets()
    {
        using var chunker = new StreamChunker(new PieceStream(Input, 100_000, 5), ChunkerParameters.Default);
        var chunks = 0;
        while (chunker.MoveNextAsync().AsTask().GetAwaiter().GetResult())
        {
            Assert.True(chunker.Current.Span.SequenceEqual(Input.AsSpan((int)chunker.Offset, chunker.Current.Length)));
            chunks++;
        }

        Assert.Equal(OneShot.Count, chunks);
        Assert.Equal(Input.Length, chunker.Offset);
    }

    [Fact]
    public void Empty_stream_has_no_chunks()
    {
        Assert.Empty(Chunk(new MemoryStream(), ChunkerParameters.Default, out _));
    }

    [Fact]
    public void A_buffer_smaller_than_two_maxima_is_enlarged_and_still_correct()
    {
        var streamed = Chunk(new MemoryStream(Input), ChunkerParameters.Default, out _, bufferSize: 1);
        Assert.Equal(OneShot, streamed);
    }

    [Fact]
    public void A_disposed_chunker_refuses_to_continue()
    {
        var chunker = new StreamChunker(new MemoryStream(Input), ChunkerParameters.Default);
        chunker.Dispose();
        Assert.Throws<ObjectDisposedException>(() => chunker.MoveNextAsync().AsTask().GetAwaiter().GetResult());
    }

    private static List<int> Chunk(Stream stream, ChunkerParameters parameters, out long total, int bufferSize = 4 * 1024 * 1024)
    {
        using var chunker = new StreamChunker(stream, parameters, bufferSize);
        var lengths = new List<int>();
        while (chunker.MoveNextAsync().AsTask().GetAwaiter().GetResult())
        {
            lengths.Add(chunker.Current.Length);
        }

        total = chunker.Offset;
        return lengths;
    }
}
