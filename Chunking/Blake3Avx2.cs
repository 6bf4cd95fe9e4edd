using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Mesh.Chunking.Blake3Compression;

namespace Mesh.Chunking;

/// <summary>
/// Eight BLAKE3 compressions at once with AVX2: lane i of every <see cref="Vector256{T}"/> is input i,
/// so the sixteen state words are sixteen vectors and each message word is one vector, transposed from
/// the eight inputs' blocks. Rotations by 16 and 8 are byte shuffles, by 12 and 7 two shifts and an OR
/// (AVX2 has no vector rotate). Used for the chunks (leaves) of an input and for the parent nodes.
/// </summary>
internal static unsafe class Blake3Avx2
{
    /// <summary>How many inputs one call compresses.</summary>
    internal const int Lanes = 8;

    /// <summary>Whether this CPU runs the kernel.</summary>
    internal static bool IsSupported => Avx2.IsSupported;

    /// <summary>
    /// Compresses eight inputs, every lane starting from the IV, and writes lane i's chaining value to
    /// <paramref name="output"/>[8i..8i+8). Lane i has <paramref name="blockCounts"/>[i] blocks (at least one):
    /// all but the last are read from <paramref name="inputs"/>[i] on, the last (64 bytes, zero-padded
    /// after <paramref name="lastLengths"/>[i] bytes) from <paramref name="lastBlocks"/>[i]. Lane i's counter is
    /// <paramref name="counter"/> + i when <paramref name="counterPerLane"/> (chunks), else <paramref name="counter"/>
    /// (parents). Every block has <paramref name="flags"/>, a lane's first adds <paramref name="startFlag"/>
    /// and its last <paramref name="endFlag"/>. A lane that has finished keeps computing on its last block
    /// until the longest is done; its result was taken when it finished.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compress8(byte** inputs, byte** lastBlocks, int* blockCounts, uint* lastLengths, ulong counter, bool counterPerLane, uint flags, uint startFlag, uint endFlag, uint* output)
    {
        // Message and state 64-byte aligned: a vector access that straddles a cache line is split in two,
        // and a split store cannot forward to the next quarter-round's load of the same word.
        var space = stackalloc byte[(32 * Vector256<uint>.Count * 4) + 64];
        var m = (Vector256<uint>*)(((nuint)space + 63) & ~(nuint)63);
        var v = m + 16;
        var counterLow = Vector256.Create((uint)counter);
        var counterHigh = Vector256.Create((uint)(counter >> 32));
        if (counterPerLane)
        {
            var counters = stackalloc uint[2 * Lanes];
            for (var lane = 0; lane < Lanes; lane++)
            {
                var laneCounter = counter + (ulong)lane;
                counters[lane] = (uint)laneCounter;
                counters[Lanes + lane] = (uint)(laneCounter >> 32);
            }

            counterLow = Avx.LoadVector256(counters);
            counterHigh = Avx.LoadVector256(counters + Lanes);
        }

        var blocks = 0;
        for (var lane = 0; lane < Lanes; lane++)
        {
            blocks = Math.Max(blocks, blockCounts[lane]);
        }

        var lastIndex = Avx2.Subtract(Avx.LoadVector256((uint*)blockCounts), Vector256<uint>.One);
        var lastLength = Avx.LoadVector256(lastLengths);
        var current = stackalloc byte*[Lanes];
        var h0 = Vector256.Create(Iv0);
        var h1 = Vector256.Create(Iv1);
        var h2 = Vector256.Create(Iv2);
        var h3 = Vector256.Create(Iv3);
        var h4 = Vector256.Create(Iv4);
        var h5 = Vector256.Create(Iv5);
        var h6 = Vector256.Create(Iv6);
        var h7 = Vector256.Create(Iv7);
        var o0 = h0;
        var o1 = h1;
        var o2 = h2;
        var o3 = h3;
        var o4 = h4;
        var o5 = h5;
        var o6 = h6;
        var o7 = h7;
        for (var block = 0; block < blocks; block++)
        {
            for (var lane = 0; lane < Lanes; lane++)
            {
                current[lane] = block < blockCounts[lane] - 1 ? inputs[lane] + (block * Blake3.BlockSize) : lastBlocks[lane];

                // Four blocks ahead: eight lanes read eight places 1 KiB apart, which the hardware prefetcher follows late.
                Sse.Prefetch0(current[lane] + (4 * Blake3.BlockSize));
            }

            LoadMessage(current, 0, m);
            var ends = Avx2.CompareEqual(lastIndex, Vector256.Create((uint)block));
            var blockFlags = Avx2.Or(Vector256.Create(flags | (block == 0 ? startFlag : 0)), Avx2.And(ends, Vector256.Create(endFlag)));
            v[0] = h0;
            v[1] = h1;
            v[2] = h2;
            v[3] = h3;
            v[4] = h4;
            v[5] = h5;
            v[6] = h6;
            v[7] = h7;
            v[8] = Vector256.Create(Iv0);
            v[9] = Vector256.Create(Iv1);
            v[10] = Vector256.Create(Iv2);
            v[11] = Vector256.Create(Iv3);
            v[12] = counterLow;
            v[13] = counterHigh;
            v[14] = Avx2.BlendVariable(Vector256.Create((uint)Blake3.BlockSize), lastLength, ends);
            v[15] = blockFlags;

            // Round 1
            G(v, 0, 4, 8, 12, m + 0, m + 1);
            G(v, 1, 5, 9, 13, m + 2, m + 3);
            G(v, 2, 6, 10, 14, m + 4, m + 5);
            G(v, 3, 7, 11, 15, m + 6, m + 7);
            G(v, 0, 5, 10, 15, m + 8, m + 9);
            G(v, 1, 6, 11, 12, m + 10, m + 11);
            G(v, 2, 7, 8, 13, m + 12, m + 13);
            G(v, 3, 4, 9, 14, m + 14, m + 15);
            // Round 2
            G(v, 0, 4, 8, 12, m + 2, m + 6);
            G(v, 1, 5, 9, 13, m + 3, m + 10);
            G(v, 2, 6, 10, 14, m + 7, m + 0);
            G(v, 3, 7, 11, 15, m + 4, m + 13);
            G(v, 0, 5, 10, 15, m + 1, m + 11);
            G(v, 1, 6, 11, 12, m + 12, m + 5);
            G(v, 2, 7, 8, 13, m + 9, m + 14);
            G(v, 3, 4, 9, 14, m + 15, m + 8);
            // Round 3
            G(v, 0, 4, 8, 12, m + 3, m + 4);
            G(v, 1, 5, 9, 13, m + 10, m + 12);
            G(v, 2, 6, 10, 14, m + 13, m + 2);
            G(v, 3, 7, 11, 15, m + 7, m + 14);
            G(v, 0, 5, 10, 15, m + 6, m + 5);
            G(v, 1, 6, 11, 12, m + 9, m + 0);
            G(v, 2, 7, 8, 13, m + 11, m + 15);
            G(v, 3, 4, 9, 14, m + 8, m + 1);
            // Round 4
            G(v, 0, 4, 8, 12, m + 10, m + 7);
            G(v, 1, 5, 9, 13, m + 12, m + 9);
            G(v, 2, 6, 10, 14, m + 14, m + 3);
            G(v, 3, 7, 11, 15, m + 13, m + 15);
            G(v, 0, 5, 10, 15, m + 4, m + 0);
            G(v, 1, 6, 11, 12, m + 11, m + 2);
            G(v, 2, 7, 8, 13, m + 5, m + 8);
            G(v, 3, 4, 9, 14, m + 1, m + 6);
            // Round 5
            G(v, 0, 4, 8, 12, m + 12, m + 13);
            G(v, 1, 5, 9, 13, m + 9, m + 11);
            G(v, 2, 6, 10, 14, m + 15, m + 10);
            G(v, 3, 7, 11, 15, m + 14, m + 8);
            G(v, 0, 5, 10, 15, m + 7, m + 2);
            G(v, 1, 6, 11, 12, m + 5, m + 3);
            G(v, 2, 7, 8, 13, m + 0, m + 1);
            G(v, 3, 4, 9, 14, m + 6, m + 4);
            // Round 6
            G(v, 0, 4, 8, 12, m + 9, m + 14);
            G(v, 1, 5, 9, 13, m + 11, m + 5);
            G(v, 2, 6, 10, 14, m + 8, m + 12);
            G(v, 3, 7, 11, 15, m + 15, m + 1);
            G(v, 0, 5, 10, 15, m + 13, m + 3);
            G(v, 1, 6, 11, 12, m + 0, m + 10);
            G(v, 2, 7, 8, 13, m + 2, m + 6);
            G(v, 3, 4, 9, 14, m + 4, m + 7);
            // Round 7
            G(v, 0, 4, 8, 12, m + 11, m + 15);
            G(v, 1, 5, 9, 13, m + 5, m + 0);
            G(v, 2, 6, 10, 14, m + 1, m + 9);
            G(v, 3, 7, 11, 15, m + 8, m + 6);
            G(v, 0, 5, 10, 15, m + 14, m + 10);
            G(v, 1, 6, 11, 12, m + 2, m + 12);
            G(v, 2, 7, 8, 13, m + 3, m + 4);
            G(v, 3, 4, 9, 14, m + 7, m + 13);

            h0 = Avx2.Xor(v[0], v[8]);
            h1 = Avx2.Xor(v[1], v[9]);
            h2 = Avx2.Xor(v[2], v[10]);
            h3 = Avx2.Xor(v[3], v[11]);
            h4 = Avx2.Xor(v[4], v[12]);
            h5 = Avx2.Xor(v[5], v[13]);
            h6 = Avx2.Xor(v[6], v[14]);
            h7 = Avx2.Xor(v[7], v[15]);
            o0 = Avx2.BlendVariable(o0, h0, ends);
            o1 = Avx2.BlendVariable(o1, h1, ends);
            o2 = Avx2.BlendVariable(o2, h2, ends);
            o3 = Avx2.BlendVariable(o3, h3, ends);
            o4 = Avx2.BlendVariable(o4, h4, ends);
            o5 = Avx2.BlendVariable(o5, h5, ends);
            o6 = Avx2.BlendVariable(o6, h6, ends);
            o7 = Avx2.BlendVariable(o7, h7, ends);
        }

        // Word-major back to lane-major: a transpose turns "word w of every lane" into "every word of lane i".
        Transpose(o0, o1, o2, o3, o4, o5, o6, o7, (Vector256<uint>*)output);
    }

    /// <summary>Loads one block of each lane and transposes it into sixteen word vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadMessage(byte** inputs, int offset, Vector256<uint>* m)
    {
        Transpose(
            Avx.LoadVector256((uint*)(inputs[0] + offset)),
            Avx.LoadVector256((uint*)(inputs[1] + offset)),
            Avx.LoadVector256((uint*)(inputs[2] + offset)),
            Avx.LoadVector256((uint*)(inputs[3] + offset)),
            Avx.LoadVector256((uint*)(inputs[4] + offset)),
            Avx.LoadVector256((uint*)(inputs[5] + offset)),
            Avx.LoadVector256((uint*)(inputs[6] + offset)),
            Avx.LoadVector256((uint*)(inputs[7] + offset)),
            m);
        Transpose(
            Avx.LoadVector256((uint*)(inputs[0] + offset + 32)),
            Avx.LoadVector256((uint*)(inputs[1] + offset + 32)),
            Avx.LoadVector256((uint*)(inputs[2] + offset + 32)),
            Avx.LoadVector256((uint*)(inputs[3] + offset + 32)),
            Avx.LoadVector256((uint*)(inputs[4] + offset + 32)),
            Avx.LoadVector256((uint*)(inputs[5] + offset + 32)),
            Avx.LoadVector256((uint*)(inputs[6] + offset + 32)),
            Avx.LoadVector256((uint*)(inputs[7] + offset + 32)),
            m + 8);
    }

    /// <summary>8×8 transpose of 32-bit words: row r of the result is column r of the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(
        Vector256<uint> r0, Vector256<uint> r1, Vector256<uint> r2, Vector256<uint> r3,
        Vector256<uint> r4, Vector256<uint> r5, Vector256<uint> r6, Vector256<uint> r7,
        Vector256<uint>* result)
    {
        // Pairs of rows interleaved word by word, then pairs of those by 64 bits: each 128-bit half then
        // holds one column of four rows, and swapping halves across the two groups completes the columns.
        var t0 = Avx2.UnpackLow(r0, r1);
        var t1 = Avx2.UnpackHigh(r0, r1);
        var t2 = Avx2.UnpackLow(r2, r3);
        var t3 = Avx2.UnpackHigh(r2, r3);
        var t4 = Avx2.UnpackLow(r4, r5);
        var t5 = Avx2.UnpackHigh(r4, r5);
        var t6 = Avx2.UnpackLow(r6, r7);
        var t7 = Avx2.UnpackHigh(r6, r7);
        var u0 = Avx2.UnpackLow(t0.AsUInt64(), t2.AsUInt64()).AsUInt32();
        var u1 = Avx2.UnpackHigh(t0.AsUInt64(), t2.AsUInt64()).AsUInt32();
        var u2 = Avx2.UnpackLow(t1.AsUInt64(), t3.AsUInt64()).AsUInt32();
        var u3 = Avx2.UnpackHigh(t1.AsUInt64(), t3.AsUInt64()).AsUInt32();
        var u4 = Avx2.UnpackLow(t4.AsUInt64(), t6.AsUInt64()).AsUInt32();
        var u5 = Avx2.UnpackHigh(t4.AsUInt64(), t6.AsUInt64()).AsUInt32();
        var u6 = Avx2.UnpackLow(t5.AsUInt64(), t7.AsUInt64()).AsUInt32();
        var u7 = Avx2.UnpackHigh(t5.AsUInt64(), t7.AsUInt64()).AsUInt32();
        result[0] = Avx2.Permute2x128(u0, u4, 0x20);
        result[1] = Avx2.Permute2x128(u1, u5, 0x20);
        result[2] = Avx2.Permute2x128(u2, u6, 0x20);
        result[3] = Avx2.Permute2x128(u3, u7, 0x20);
        result[4] = Avx2.Permute2x128(u0, u4, 0x31);
        result[5] = Avx2.Permute2x128(u1, u5, 0x31);
        result[6] = Avx2.Permute2x128(u2, u6, 0x31);
        result[7] = Avx2.Permute2x128(u3, u7, 0x31);
    }

    /// <summary>
    /// The BLAKE3 quarter-round on eight lanes, state words a, b, c, d of <paramref name="v"/>. The state
    /// stays in memory between quarter-rounds: with all sixteen vectors in locals the JIT ran out of the
    /// sixteen registers and spilled the rotations' temporaries onto the critical path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(Vector256<uint>* v, int ia, int ib, int ic, int id, Vector256<uint>* x, Vector256<uint>* y)
    {
        var a = v[ia];
        var b = v[ib];
        var c = v[ic];
        var d = v[id];
        a = Avx2.Add(Avx2.Add(a, b), *x);
        d = RotateRight16(Avx2.Xor(d, a));
        c = Avx2.Add(c, d);
        b = RotateRight12(Avx2.Xor(b, c));
        a = Avx2.Add(Avx2.Add(a, b), *y);
        d = RotateRight8(Avx2.Xor(d, a));
        c = Avx2.Add(c, d);
        b = RotateRight7(Avx2.Xor(b, c));
        v[ia] = a;
        v[ib] = b;
        v[ic] = c;
        v[id] = d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RotateRight16(Vector256<uint> v) =>
        Avx2.Shuffle(v.AsByte(), Vector256.Create((byte)2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RotateRight8(Vector256<uint> v) =>
        Avx2.Shuffle(v.AsByte(), Vector256.Create((byte)1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12)).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RotateRight12(Vector256<uint> v) => Avx2.Or(Avx2.ShiftRightLogical(v, 12), Avx2.ShiftLeftLogical(v, 20));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RotateRight7(Vector256<uint> v) => Avx2.Or(Avx2.ShiftRightLogical(v, 7), Avx2.ShiftLeftLogical(v, 25));
}
