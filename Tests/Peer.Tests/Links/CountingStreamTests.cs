using Mesh.Peer.Links;

namespace Mesh.Peer.Tests.Links;

public sealed class CountingStreamTests
{
    [Fact]
    public async Task Writes_inside_a_batch_reach_the_inner_stream_in_runs_of_several_records_in_order()
    {
        // TLS writes each record of at most 16 KiB on its own; a 64 KiB chunk was four socket writes.
        var inner = new RecordingStream();
        await using var wire = new CountingStream(inner);
        var records = Enumerable.Range(0, 5).Select(i => Enumerable.Repeat((byte)i, 16 * 1024 + 22).ToArray()).ToList();

        wire.BeginBatch();
        foreach (var record in records)
        {
            await wire.WriteAsync(record);
        }

        await wire.EndBatchAsync(CancellationToken.None);
        await wire.WriteAsync(new byte[] { 9 });

        Assert.Equal(new[] { 4 * records[0].Length, records[0].Length, 1 }, inner.Writes);
        Assert.Equal(records.SelectMany(r => r).Append((byte)9).ToArray(), inner.ToArray());
        Assert.Equal((5 * records[0].Length) + 1, wire.BytesWritten);
    }

    [Fact]
    public async Task Small_reads_are_served_from_one_large_read_of_the_inner_stream_in_order()
    {
        // TLS asks for about one 16 KiB record at a time: that was a system call per record received.
        var data = Enumerable.Range(0, (3 * CountingStream.ReadAheadBytes) + 1000).Select(i => (byte)(i * 7)).ToArray();
        var inner = new RecordingStream(data);
        await using var wire = new CountingStream(inner);
        var received = new List<byte>();
        var buffer = new byte[(16 * 1024) + 29];
        int n;
        while ((n = await wire.ReadAsync(buffer)) > 0)
        {
            received.AddRange(buffer.AsSpan(0, n).ToArray());
            if (received.Count == CountingStream.ReadAheadBytes)
            {
                // A synchronous read in between takes its bytes from the same place.
                n = wire.Read(buffer, 0, 100);
                received.AddRange(buffer.AsSpan(0, n).ToArray());
            }
        }

        Assert.Equal(data, received.ToArray());
        Assert.Equal(data.Length, wire.BytesRead);
        Assert.All(inner.Reads, asked => Assert.Equal(CountingStream.ReadAheadBytes, asked));
        Assert.Equal(5, inner.Reads.Count);

        // A read of at least the read-ahead size goes straight through.
        var large = new RecordingStream(data);
        await using var direct = new CountingStream(large);
        Assert.Equal(data.Length, await direct.ReadAsync(new byte[data.Length]));
        Assert.Equal(new[] { data.Length }, large.Reads);
    }

    private sealed class RecordingStream : MemoryStream
    {
        public RecordingStream()
        {
        }

        public RecordingStream(byte[] data)
            : base(data)
        {
        }

        public List<int> Writes { get; } = [];

        public List<int> Reads { get; } = [];

        public override int Read(Span<byte> buffer)
        {
            Reads.Add(buffer.Length);
            return base.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads.Add(buffer.Length);
            return ValueTask.FromResult(base.Read(buffer.Span));
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
