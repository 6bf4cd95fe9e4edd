using Mesh.Proto;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Chunking;

/// <summary>
/// The parallel manifest pipeline: the input is split into blocks, each block is read (files: by
/// its own thread-pool task, with positional reads), cut and hashed independently
/// (<see cref="SpeculativeBlock"/>), and the blocks are joined in order, so the chunk list keeps file
/// order and equals the single-thread build.
/// </summary>
/// <remarks>
/// Chunking and hashing both run on every core: on the project's 2-core machine the chunker alone
/// is about half of one core's work, so a design with one chunking thread feeding hashers leaves the
/// other core partly idle and the chunker on the critical path. One task per block (not per chunk)
/// keeps scheduling cost to a few hundred tasks per GiB. At most <see cref="MaxBlocksInFlight"/>
/// blocks are held at once, so memory is bounded whatever the file size.
/// </remarks>
internal static class ManifestPipeline
{
    /// <summary>
    /// Bytes per block buffer, the reserve for the previous block's undecided tail (one maximum chunk)
    /// included, so a block rents exactly this from the shared pool instead of the next power of two.
    /// Large enough that the chunks cut twice at each seam (one or two of about thirty) and per-task
    /// costs stay small; small enough that the blocks in flight cost a daemon little memory: the
    /// buffers are pooled and stay with the process after a scan, so 8 MiB blocks (16 MiB once
    /// rounded) held over 100 MiB of a <c>mesh run</c> after hashing one large file (docs/daemon.md).
    /// </summary>
    internal const int DefaultBlockSize = 2 * 1024 * 1024;

    /// <summary>
    /// Blocks being read, cut and hashed at once: three per core, at least 4 and at most 8 (14 MiB
    /// on two cores with the default block size, counting the resolved block whose tail is still
    /// needed; 18 MiB at most). Blocks are joined in order, so a core that was descheduled holds
    /// everyone up unless the others can work ahead; on the shared 2-core machine 6–8 in flight ran
    /// 256 MiB in a median 0.20 s against 0.23 s with 4 and 0.25 s with 3.
    /// </summary>
    private static int MaxBlocksInFlight => Math.Clamp(3 * Environment.ProcessorCount, 4, 8);

    /// <summary>Builds the manifest of a stream, read front to back on the calling task while earlier blocks are cut and hashed.</summary>
    internal static Task<FileManifest> RunAsync(Stream stream, ChunkerParameters parameters, int blockSize, CancellationToken ct) =>
        RunAsync(stream, null, parameters, blockSize, ct);

    /// <summary>Builds the manifest of the first <c>RandomAccess.GetLength</c> bytes of a file, each block read by the task that cuts it.</summary>
    internal static Task<FileManifest> RunAsync(SafeFileHandle file, ChunkerParameters parameters, int blockSize, CancellationToken ct) =>
        RunAsync(null, file, parameters, blockSize, ct);

    private static async Task<FileManifest> RunAsync(Stream? stream, SafeFileHandle? file, ChunkerParameters parameters, int blockSize, CancellationToken ct)
    {
        // A block must hold at least one whole maximum chunk, or a seam could fall inside an undecided tail twice.
        var capacity = Math.Max(blockSize - parameters.MaxSize, parameters.MaxSize);
        var manifest = new FileManifest { ChunkerId = parameters.Id };
        var pending = new Queue<Task<SpeculativeBlock>>();
        var fileLength = file is null ? 0 : RandomAccess.GetLength(file);
        long nextOffset = 0;
        var allStarted = false;
        SpeculativeBlock? previous = null;
        ulong size = 0;
        try
        {
            while (true)
            {
                while (!allStarted && pending.Count < MaxBlocksInFlight)
                {
                    bool isLast;
                    if (file is not null)
                    {
                        var offset = nextOffset;
                        var count = (int)Math.Min(capacity, fileLength - offset);
                        isLast = offset + count >= fileLength;

                        // The last block of a file rents only what it reads: a small file costs a small buffer.
                        var block = new SpeculativeBlock(parameters, isLast ? count : capacity, isFirst: offset == 0);
                        nextOffset += count;
                        pending.Enqueue(isLast && pending.Count == 0
                            ? Task.FromResult(block.ReadAndCut(file, offset, count, isLast: true)) // one block: no task to pay for
                            : Task.Run(() => block.ReadAndCut(file, offset, count, isLast), ct));
                    }
                    else
                    {
                        var block = new SpeculativeBlock(parameters, capacity, isFirst: nextOffset == 0);
                        var read = await FillAsync(stream!, block.Target, ct).ConfigureAwait(false);
                        isLast = read < capacity;
                        nextOffset += read;
                        block.SetContent(read, isLast);
                        pending.Enqueue(isLast && pending.Count == 0 ? Task.FromResult(block.CutAndHash()) : Task.Run(block.CutAndHash, ct));
                    }

                    allStarted = isLast;
                }

                if (pending.Count == 0)
                {
                    break;
                }

                var done = await pending.Dequeue().ConfigureAwait(false);
                done.Resolve(previous is null ? default : previous.Tail, manifest.Chunks);
                previous?.Dispose();
                previous = done;
                size += (ulong)done.Length;
                if (done.IsFinal)
                {
                    // A file that shrank while being read: blocks planned past its new end are dropped.
                    while (pending.Count > 0)
                    {
                        (await pending.Dequeue().ConfigureAwait(false)).Dispose();
                    }

                    break;
                }
            }
        }
        finally
        {
            previous?.Dispose();
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
}
