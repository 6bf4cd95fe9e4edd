using System.Runtime.CompilerServices;

namespace Mesh.Chunking;

/// <summary>
/// The BLAKE3 compression function, one block at a time, in plain integer code: the reference for
/// the eight-lane <see cref="Blake3Avx2"/> kernel, and the path for what that kernel does not take
/// (a chunk's last partial block, a batch of fewer than three chunks or parents, CPUs without AVX2).
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

    /// <summary>Which message word each G input takes, per round: round r is the message permutation applied r times.</summary>
    private static ReadOnlySpan<byte> Schedule =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8,
        3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1,
        10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6,
        12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4,
        9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7,
        11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13,
    ];

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
    internal static void Compress(uint* cv, uint* message, ulong counter, uint blockLength, uint flags)
    {
        var s = stackalloc uint[16];
        for (var i = 0; i < 8; i++)
        {
            s[i] = cv[i];
        }

        s[8] = Iv0;
        s[9] = Iv1;
        s[10] = Iv2;
        s[11] = Iv3;
        s[12] = (uint)counter;
        s[13] = (uint)(counter >> 32);
        s[14] = blockLength;
        s[15] = flags;
        var schedule = Schedule;
        for (var round = 0; round < 7; round++)
        {
            var w = schedule.Slice(round * 16, 16);
            G(s, 0, 4, 8, 12, message[w[0]], message[w[1]]);
            G(s, 1, 5, 9, 13, message[w[2]], message[w[3]]);
            G(s, 2, 6, 10, 14, message[w[4]], message[w[5]]);
            G(s, 3, 7, 11, 15, message[w[6]], message[w[7]]);
            G(s, 0, 5, 10, 15, message[w[8]], message[w[9]]);
            G(s, 1, 6, 11, 12, message[w[10]], message[w[11]]);
            G(s, 2, 7, 8, 13, message[w[12]], message[w[13]]);
            G(s, 3, 4, 9, 14, message[w[14]], message[w[15]]);
        }

        for (var i = 0; i < 8; i++)
        {
            cv[i] = s[i] ^ s[i + 8];
        }
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
    private static void G(uint* s, int a, int b, int c, int d, uint x, uint y)
    {
        s[a] = s[a] + s[b] + x;
        s[d] = uint.RotateRight(s[d] ^ s[a], 16);
        s[c] = s[c] + s[d];
        s[b] = uint.RotateRight(s[b] ^ s[c], 12);
        s[a] = s[a] + s[b] + y;
        s[d] = uint.RotateRight(s[d] ^ s[a], 8);
        s[c] = s[c] + s[d];
        s[b] = uint.RotateRight(s[b] ^ s[c], 7);
    }
}
