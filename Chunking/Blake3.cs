using System.Buffers;
using System.Buffers.Binary;
using static Mesh.Chunking.Blake3Compression;

namespace Mesh.Chunking;

/// <summary>
/// BLAKE3 (plain hashing mode, 32-byte output) of an input held in memory, written for this project
/// from the BLAKE3 specification. Where the CPU has AVX2, the 1 KiB chunks (the last one partial or not)
/// are compressed eight at a time, and so are the parent nodes of the tree, level by level; only the
/// root and inputs of at most one chunk use the scalar compression. Allocates
/// nothing for inputs up to 1 MiB (the largest FastCDC chunk) and rents from the shared pool above.
/// Not the chunk hash: measured against SHA-256 on the SHA extensions it was not fast enough here to
/// be worth a wire-format change (docs/chunking.md, "Session 4: BLAKE3 of our own"); kept, tested and benchmarked
/// for a parameter set on machines where it wins.
/// </summary>
internal static unsafe class Blake3
{
    /// <summary>Bytes per compression-function block.</summary>
    internal const int BlockSize = 64;

    /// <summary>Bytes per BLAKE3 chunk (a leaf of the tree).</summary>
    internal const int ChunkSize = 1024;

    /// <summary>Bytes of the output.</summary>
    public const int HashSize = 32;

    /// <summary>The most leaf chaining values kept on the stack (32 KiB, inputs up to 1 MiB).</summary>
    private const int StackChunks = 1024;

    /// <summary>Hashes <paramref name="data"/> into the first 32 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination) => Hash(data, destination, Blake3Avx2.IsSupported);

    /// <summary>As <see cref="Hash(ReadOnlySpan{byte}, Span{byte})"/>, with the eight-lane kernel used only if <paramref name="useSimd"/> (tests compare both).</summary>
    internal static void Hash(ReadOnlySpan<byte> data, Span<byte> destination, bool useSimd)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, a BLAKE3 hash needs {HashSize}", nameof(destination));
        }

        useSimd &= Blake3Avx2.IsSupported;
        var root = stackalloc uint[8];
        fixed (byte* input = data)
        {
            if (data.Length <= ChunkSize)
            {
                CompressChunk(input, data.Length, 0, Root, root);
            }
            else
            {
                var chunks = (int)(((long)data.Length + ChunkSize - 1) / ChunkSize);
                uint[]? rented = null;
                uint* cvs = null;
                if (chunks <= StackChunks)
                {
                    var onStack = stackalloc uint[8 * chunks];
                    cvs = onStack;
                }
                else
                {
                    rented = ArrayPool<uint>.Shared.Rent(8 * chunks);
                }

                try
                {
                    fixed (uint* pooled = rented)
                    {
                        var values = rented is null ? cvs : pooled;
                        CompressLeaves(input, data.Length, values, useSimd);
                        ReduceToRoot(values, chunks, useSimd, root);
                    }
                }
                finally
                {
                    if (rented is not null)
                    {
                        ArrayPool<uint>.Shared.Return(rented);
                    }
                }
            }
        }

        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[(4 * i)..], root[i]);
        }
    }

    /// <summary>Writes the chaining value of every chunk (none of them the root: there are at least two).</summary>
    private static void CompressLeaves(byte* input, int length, uint* cvs, bool useSimd)
    {
        var chunks = (length + ChunkSize - 1) / ChunkSize;
        if (!useSimd)
        {
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                var start = (long)chunk * ChunkSize;
                CompressChunk(input + start, (int)Math.Min(ChunkSize, length - start), (ulong)chunk, 0, cvs + (8 * chunk));
            }

            return;
        }

        var lanes = stackalloc byte*[Blake3Avx2.Lanes];
        var lastBlocks = stackalloc byte*[Blake3Avx2.Lanes];
        var blockCounts = stackalloc int[Blake3Avx2.Lanes];
        var lastLengths = stackalloc uint[Blake3Avx2.Lanes];

        // Only the input's last chunk can end in a partial block; it is read from a zero-padded copy.
        var padded = stackalloc byte[BlockSize];
        for (var first = 0; first < chunks; first += Blake3Avx2.Lanes)
        {
            var count = Math.Min(Blake3Avx2.Lanes, chunks - first);
            for (var lane = 0; lane < Blake3Avx2.Lanes; lane++)
            {
                // Idle lanes repeat the batch's first chunk; their results are dropped.
                var start = (long)(first + (lane < count ? lane : 0)) * ChunkSize;
                var chunkLength = (int)Math.Min(ChunkSize, length - start);
                var blocks = (chunkLength + BlockSize - 1) / BlockSize;
                var lastLength = chunkLength - ((blocks - 1) * BlockSize);
                lanes[lane] = input + start;
                blockCounts[lane] = blocks;
                lastLengths[lane] = (uint)lastLength;
                lastBlocks[lane] = input + start + ((blocks - 1) * BlockSize);
                if (lastLength < BlockSize)
                {
                    new Span<byte>(padded, BlockSize).Clear();
                    new ReadOnlySpan<byte>(lastBlocks[lane], lastLength).CopyTo(new Span<byte>(padded, BlockSize));
                    lastBlocks[lane] = padded;
                }
            }

            CompressBatch(lanes, lastBlocks, blockCounts, lastLengths, (ulong)first, true, 0, ChunkStart, ChunkEnd, count, cvs + (8 * first));
        }
    }

    /// <summary>
    /// Merges the chaining values level by level, pairing neighbours from the left and carrying an odd
    /// last one up unchanged. That builds exactly BLAKE3's tree (every left subtree a complete power of
    /// two of chunks); the single parent of the last level is the root.
    /// </summary>
    private static void ReduceToRoot(uint* cvs, int count, bool useSimd, uint* root)
    {
        var lanes = stackalloc byte*[Blake3Avx2.Lanes];
        var blockCounts = stackalloc int[Blake3Avx2.Lanes];
        var lastLengths = stackalloc uint[Blake3Avx2.Lanes];
        for (var lane = 0; lane < Blake3Avx2.Lanes; lane++)
        {
            blockCounts[lane] = 1;
            lastLengths[lane] = BlockSize;
        }

        while (count > 2)
        {
            var parents = count / 2;
            var next = 0;
            if (useSimd)
            {
                for (; next < parents; next += Blake3Avx2.Lanes)
                {
                    var batch = Math.Min(Blake3Avx2.Lanes, parents - next);
                    for (var lane = 0; lane < Blake3Avx2.Lanes; lane++)
                    {
                        lanes[lane] = (byte*)(cvs + (16 * (next + (lane < batch ? lane : 0))));
                    }

                    // In place: parent p goes where child 2p was; every child this batch reads is loaded
                    // before the batch writes, and later batches read only beyond what it writes.
                    CompressBatch(lanes, lanes, blockCounts, lastLengths, 0, false, Parent, 0, 0, batch, cvs + (8 * next));
                }
            }

            for (; next < parents; next++)
            {
                CompressParent(cvs + (16 * next), 0, cvs + (8 * next));
            }

            if (count % 2 != 0)
            {
                new ReadOnlySpan<uint>(cvs + (8 * (count - 1)), 8).CopyTo(new Span<uint>(cvs + (8 * parents), 8));
            }

            count = parents + (count % 2);
        }

        CompressParent(cvs, Root, root);
    }

    /// <summary>One eight-lane call; with fewer than eight real inputs only their chaining values are kept.</summary>
    private static void CompressBatch(byte** lanes, byte** lastBlocks, int* blockCounts, uint* lastLengths, ulong counter, bool counterPerLane, uint flags, uint startFlag, uint endFlag, int count, uint* output)
    {
        if (count == Blake3Avx2.Lanes)
        {
            Blake3Avx2.Compress8(lanes, lastBlocks, blockCounts, lastLengths, counter, counterPerLane, flags, startFlag, endFlag, output);
            return;
        }

        var all = stackalloc uint[8 * Blake3Avx2.Lanes];
        Blake3Avx2.Compress8(lanes, lastBlocks, blockCounts, lastLengths, counter, counterPerLane, flags, startFlag, endFlag, all);
        new ReadOnlySpan<uint>(all, 8 * count).CopyTo(new Span<uint>(output, 8 * count));
    }
}
