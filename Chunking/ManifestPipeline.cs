using System.Buffers;
using Google.Protobuf;
using Mesh.Proto;

namespace Mesh.Chunking;

/// <summary>
/// The parallel manifest pipeline: one loop reads the next block while it cuts the current one, and
/// hands each cut block to a thread-pool task that hashes its chunks; results are collected in block
/// order, so the chunk list keeps file order.
/// </summary>
/// <remarks>
/// Each buffer reserves <c>MaxSize</c> bytes in front of its block: the unfinished chunk at the end
/// of one block (always shorter than <c>MaxSize</c>) is copied in front of the next block's data, so
/// the next read can start before the current block has been cut.
/// </remarks>
internal static class ManifestPipeline
{
    /// <summary>Bytes read per block: large enough that per-block costs vanish, small enough to keep several in flight.</summary>
    internal const int DefaultBlockSize = 4 * 1024 * 1024;

    internal static async Task<FileManifest> RunAsync(Stream stream, ChunkerParameters parameters, int blockSize, CancellationToken ct)
    {
        var reserve = parameters.MaxSize;
        var manifest = new FileManifest { ChunkerId = parameters.Id };
        var pending = new Queue<Task<ChunkRef[]>>();
        var maxInFlight = Environment.ProcessorCount + 1;
        ulong size = 0;

        var buffer = ArrayPool<byte>.Shared.Rent(reserve + blockSize);
        var read = await FillAsync(stream, buffer.AsMemory(reserve, blockSize), ct).ConfigureAwait(false);
        var start = reserve;
        var eof = read < blockSize;
        try
        {
            while (true)
            {
                size += (ulong)read;
                byte[]? next = null;
                Task<int>? nextRead = null;
                if (!eof)
                {
                    next = ArrayPool<byte>.Shared.Rent(reserve + blockSize);
                    var target = next.AsMemory(reserve, blockSize);
                    nextRead = Task.Run(() => FillAsync(stream, target, ct).AsTask(), ct);
                }

                var end = reserve + read;
                var lengths = ArrayPool<int>.Shared.Rent(((end - start) / parameters.MinSize) + 1);
                var count = Chunker.CutBlock(buffer.AsSpan(start, end - start), parameters, eof, lengths, out var consumed);
                var tail = end - start - consumed;
                if (next is not null)
                {
                    buffer.AsSpan(start + consumed, tail).CopyTo(next.AsSpan(reserve - tail));
                }

                var block = new CutBlock(buffer, start, lengths, count);
                buffer = null!;
                if (eof && pending.Count == 0)
                {
                    // Nothing to overlap with (small files): hash here rather than pay for a task.
                    manifest.Chunks.Add(block.Hash());
                }
                else
                {
                    pending.Enqueue(Task.Run(block.Hash, ct));
                }

                while (pending.Count >= maxInFlight || (eof && pending.Count > 0))
                {
                    manifest.Chunks.Add(await pending.Dequeue().ConfigureAwait(false));
                }

                if (eof)
                {
                    break;
                }

                buffer = next!;
                read = await nextRead!.ConfigureAwait(false);
                start = reserve - tail;
                eof = read < blockSize;
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        manifest.Size = size;
        manifest.FileHash = FileHash.Compute(manifest.ChunkerId, manifest.Size, manifest.Chunks);
        return manifest;
    }

    /// <summary>Reads until <paramref name="target"/> is full or the stream ends; returns the bytes read.</summary>
    private static async ValueTask<int> FillAsync(Stream stream, Memory<byte> target, CancellationToken ct)
    {
        var filled = 0;
        while (filled < target.Length)
        {
            var n = await stream.ReadAsync(target[filled..], ct).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }

    /// <summary>A block whose chunk boundaries are known; owns its pooled buffers until hashed.</summary>
    private sealed class CutBlock(byte[] buffer, int start, int[] lengths, int count)
    {
        internal ChunkRef[] Hash()
        {
            try
            {
                var chunks = new ChunkRef[count];
                Span<byte> hash = stackalloc byte[ChunkHash.Size];
                var offset = start;
                for (var i = 0; i < count; i++)
                {
                    var length = lengths[i];
                    ChunkHasher.Hash(buffer.AsSpan(offset, length), hash);
                    chunks[i] = new ChunkRef { Hash = ByteString.CopyFrom(hash), Length = (uint)length };
                    offset += length;
                }

                return chunks;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                ArrayPool<int>.Shared.Return(lengths);
            }
        }
    }
}
