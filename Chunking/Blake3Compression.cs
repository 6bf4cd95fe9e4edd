using System.Runtime.CompilerServices;

namespace Mesh.Chunking;

/// <summary>
/// The BLAKE3 compression function, one block at a time, in plain integer code: the reference for
/// the eight-lane <see cref="Blake3Avx2"/> kernel, and the path for what that kernel does not take (the
/// root, inputs of at most one chunk, CPUs without AVX2).
/// Written from the BLAKE3 specification (O'Connor, Aumasson, Neves, Wilcox-O'Hearn, 2020).
/// </summary>
internal static unsafe class Blake3Compression
{
    /// <summary>Flag of a chunk's first block.</summary>
    internal const uint ChunkStart = 1;

    /// <summary>Flag of a chunk's last block.</summary>
    internal const uint ChunkEnd = 2;

    /// <summary>Flag of a parent node (two child chaining values as the block).</summary>
    internal const uint Parent = 4;

    /// <summary>Flag of the node whose output is the hash.</summary>
    internal const uint Root = 8;

    /// <summary>The first four words are the IV in the state; all eight are the key (chaining value) of plain hashing.</summary>
    internal const uint Iv0 = 0x6A09E667, Iv1 = 0xBB67AE85, Iv2 = 0x3C6EF372, Iv3 = 0xA54FF53A;

    /// <summary>IV words 4–7.</summary>
    internal const uint Iv4 = 0x510E527F, Iv5 = 0x9B05688C, Iv6 = 0x1F83D9AB, Iv7 = 0x5BE0CD19;

    /// <summary>Writes the eight IV words (the chaining value every chunk and parent starts from).</summary>
    internal static void WriteIv(uint* cv)
    {
        cv[0] = Iv0;
        cv[1] = Iv1;
        cv[2] = Iv2;
        cv[3] = Iv3;
        cv[4] = Iv4;
        cv[5] = Iv5;
        cv[6] = Iv6;
        cv[7] = Iv7;
    }

    /// <summary>
    /// Compresses one block (sixteen message words) into <paramref name="cv"/>, in place: the new chaining
    /// value is the first half of the state XOR the second half (the 32 bytes of output the hash uses).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compress(uint* cv, uint* message, ulong counter, uint blockLength, uint flags)
    {
        // The state lives in locals (registers, not memory), and the schedule is spelled out so every
        // message word is a constant offset; a loop over a schedule table with the state in memory ran three
        // times slower.
        var v0 = cv[0];
        var v1 = cv[1];
        var v2 = cv[2];
        var v3 = cv[3];
        var v4 = cv[4];
        var v5 = cv[5];
        var v6 = cv[6];
        var v7 = cv[7];
        var v8 = Iv0;
        var v9 = Iv1;
        var v10 = Iv2;
        var v11 = Iv3;
        var v12 = (uint)counter;
        var v13 = (uint)(counter >> 32);
        var v14 = blockLength;
        var v15 = flags;

            // Round 1
            G(ref v0, ref v4, ref v8, ref v12, message[0], message[1]);
            G(ref v1, ref v5, ref v9, ref v13, message[2], message[3]);
            G(ref v2, ref v6, ref v10, ref v14, message[4], message[5]);
            G(ref v3, ref v7, ref v11, ref v15, message[6], message[7]);
            G(ref v0, ref v5, ref v10, ref v15, message[8], message[9]);
            G(ref v1, ref v6, ref v11, ref v12, message[10], message[11]);
            G(ref v2, ref v7, ref v8, ref v13, message[12], message[13]);
            G(ref v3, ref v4, ref v9, ref v14, message[14], message[15]);
            // Round 2
            G(ref v0, ref v4, ref v8, ref v12, message[2], message[6]);
            G(ref v1, ref v5, ref v9, ref v13, message[3], message[10]);
            G(ref v2, ref v6, ref v10, ref v14, message[7], message[0]);
            G(ref v3, ref v7, ref v11, ref v15, message[4], message[13]);
            G(ref v0, ref v5, ref v10, ref v15, message[1], message[11]);
            G(ref v1, ref v6, ref v11, ref v12, message[12], message[5]);
            G(ref v2, ref v7, ref v8, ref v13, message[9], message[14]);
            G(ref v3, ref v4, ref v9, ref v14, message[15], message[8]);
            // Round 3
            G(ref v0, ref v4, ref v8, ref v12, message[3], message[4]);
            G(ref v1, ref v5, ref v9, ref v13, message[10], message[12]);
            G(ref v2, ref v6, ref v10, ref v14, message[13], message[2]);
            G(ref v3, ref v7, ref v11, ref v15, message[7], message[14]);
            G(ref v0, ref v5, ref v10, ref v15, message[6], message[5]);
            G(ref v1, ref v6, ref v11, ref v12, message[9], message[0]);
            G(ref v2, ref v7, ref v8, ref v13, message[11], message[15]);
            G(ref v3, ref v4, ref v9, ref v14, message[8], message[1]);
            // Round 4
            G(ref v0, ref v4, ref v8, ref v12, message[10], message[7]);
            G(ref v1, ref v5, ref v9, ref v13, message[12], message[9]);
            G(ref v2, ref v6, ref v10, ref v14, message[14], message[3]);
            G(ref v3, ref v7, ref v11, ref v15, message[13], message[15]);
            G(ref v0, ref v5, ref v10, ref v15, message[4], message[0]);
            G(ref v1, ref v6, ref v11, ref v12, message[11], message[2]);
            G(ref v2, ref v7, ref v8, ref v13, message[5], message[8]);
            G(ref v3, ref v4, ref v9, ref v14, message[1], message[6]);
            // Round 5
            G(ref v0, ref v4, ref v8, ref v12, message[12], message[13]);
            G(ref v1, ref v5, ref v9, ref v13, message[9], message[11]);
            G(ref v2, ref v6, ref v10, ref v14, message[15], message[10]);
            G(ref v3, ref v7, ref v11, ref v15, message[14], message[8]);
            G(ref v0, ref v5, ref v10, ref v15, message[7], message[2]);
            G(ref v1, ref v6, ref v11, ref v12, message[5], message[3]);
            G(ref v2, ref v7, ref v8, ref v13, message[0], message[1]);
            G(ref v3, ref v4, ref v9, ref v14, message[6], message[4]);
            // Round 6
            G(ref v0, ref v4, ref v8, ref v12, message[9], message[14]);
            G(ref v1, ref v5, ref v9, ref v13, message[11], message[5]);
            G(ref v2, ref v6, ref v10, ref v14, message[8], message[12]);
            G(ref v3, ref v7, ref v11, ref v15, message[15], message[1]);
            G(ref v0, ref v5, ref v10, ref v15, message[13], message[3]);
            G(ref v1, ref v6, ref v11, ref v12, message[0], message[10]);
            G(ref v2, ref v7, ref v8, ref v13, message[2], message[6]);
            G(ref v3, ref v4, ref v9, ref v14, message[4], message[7]);
            // Round 7
            G(ref v0, ref v4, ref v8, ref v12, message[11], message[15]);
            G(ref v1, ref v5, ref v9, ref v13, message[5], message[0]);
            G(ref v2, ref v6, ref v10, ref v14, message[1], message[9]);
            G(ref v3, ref v7, ref v11, ref v15, message[8], message[6]);
            G(ref v0, ref v5, ref v10, ref v15, message[14], message[10]);
            G(ref v1, ref v6, ref v11, ref v12, message[2], message[12]);
            G(ref v2, ref v7, ref v8, ref v13, message[3], message[4]);
            G(ref v3, ref v4, ref v9, ref v14, message[7], message[13]);

        cv[0] = v0 ^ v8;
        cv[1] = v1 ^ v9;
        cv[2] = v2 ^ v10;
        cv[3] = v3 ^ v11;
        cv[4] = v4 ^ v12;
        cv[5] = v5 ^ v13;
        cv[6] = v6 ^ v14;
        cv[7] = v7 ^ v15;
    }

    /// <summary>
    /// The chaining value of one chunk (at most 1024 bytes; 0 only for the empty input) into
    /// <paramref name="cv"/>; <paramref name="lastBlockFlags"/> is added to its last block's flags (Root
    /// when the chunk is the whole input).
    /// </summary>
    internal static void CompressChunk(byte* input, int length, ulong chunkCounter, uint lastBlockFlags, uint* cv)
    {
        WriteIv(cv);
        var message = stackalloc uint[16];
        var blocks = Math.Max(1, (length + Blake3.BlockSize - 1) / Blake3.BlockSize);
        for (var block = 0; block < blocks; block++)
        {
            var offset = block * Blake3.BlockSize;
            var blockLength = Math.Min(Blake3.BlockSize, length - offset);
            LoadBlock(input + offset, blockLength, message);
            var flags = (block == 0 ? ChunkStart : 0) | (block == blocks - 1 ? ChunkEnd | lastBlockFlags : 0);
            Compress(cv, message, chunkCounter, (uint)blockLength, flags);
        }
    }

    /// <summary>Compresses two adjacent chaining values (sixteen words at <paramref name="children"/>) into their parent's.</summary>
    internal static void CompressParent(uint* children, uint extraFlags, uint* cv)
    {
        var message = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            message[i] = children[i];
        }

        WriteIv(cv);
        Compress(cv, message, 0, Blake3.BlockSize, Parent | extraFlags);
    }

    /// <summary>Reads a block as little-endian words, zero-padding a short one.</summary>
    private static void LoadBlock(byte* block, int length, uint* message)
    {
        var padded = stackalloc byte[Blake3.BlockSize];
        new Span<byte>(padded, Blake3.BlockSize).Clear();
        new ReadOnlySpan<byte>(block, length).CopyTo(new Span<byte>(padded, Blake3.BlockSize));
        for (var i = 0; i < 16; i++)
        {
            message[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(padded + (4 * i), 4));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref uint a, ref uint b, ref uint c, ref uint d, uint x, uint y)
    {
        a = a + b + x;
        d = uint.RotateRight(d ^ a, 16);
        c += d;
        b = uint.RotateRight(b ^ c, 12);
        a = a + b + y;
        d = uint.RotateRight(d ^ a, 8);
        c += d;
        b = uint.RotateRight(b ^ c, 7);
    }
}
