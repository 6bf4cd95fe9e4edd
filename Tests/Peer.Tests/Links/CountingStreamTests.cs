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

    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
