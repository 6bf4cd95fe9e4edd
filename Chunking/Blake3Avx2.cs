using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Mesh.Chunking.Blake3Compression;

namespace Mesh.Chunking;

/// <summary>
/// Eight BLAKE3 compressions at once with AVX2: lane i of every <see cref="Vector256{T}"/> is input i,
/// so the sixteen state words are sixteen vectors and each message word is one vector, transposed from
/// the eight inputs' blocks. Rotations by 16 and 8 are byte shuffles, by 12 and 7 two shifts and an OR
/// (AVX2 has no vector rotate). Used for runs of whole 1 KiB chunks and for parent nodes.
/// </summary>
internal static unsafe class Blake3Avx2
{
    /// <summary>How many inputs one call compresses.</summary>
    internal const int Lanes = 8;

    /// <summary>Whether this CPU runs the kernel.</summary>
    internal static bool IsSupported => Avx2.IsSupported;

    /// <summary>
    /// Compresses <paramref name="blocks"/> consecutive 64-byte blocks of each of the eight inputs, every lane
    /// starting from the IV, and writes lane i's chaining value to <paramref name="output"/>[8i..8i+8).
    /// Lane i's counter is <paramref name="counter"/> + i when <paramref name="counterPerLane"/> (chunks), else
    /// <paramref name="counter"/> (parents). The first block adds <paramref name="startFlag"/>, the last
    /// <paramref name="endFlag"/>; every block has <paramref name="flags"/> and length 64.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compress8(byte** inputs, int blocks, ulong counter, bool counterPerLane, uint flags, uint startFlag, uint endFlag, uint* output)
    {
        var m = stackalloc Vector256<uint>[16];
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

        var h0 = Vector256.Create(Iv0);
        var h1 = Vector256.Create(Iv1);
        var h2 = Vector256.Create(Iv2);
        var h3 = Vector256.Create(Iv3);
        var h4 = Vector256.Create(Iv4);
        var h5 = Vector256.Create(Iv5);
        var h6 = Vector256.Create(Iv6);
        var h7 = Vector256.Create(Iv7);
        for (var block = 0; block < blocks; block++)
        {
            LoadMessage(inputs, block * Blake3.BlockSize, m);
            var blockFlags = flags | (block == 0 ? startFlag : 0) | (block == blocks - 1 ? endFlag : 0);
            var v0 = h0;
            var v1 = h1;
            var v2 = h2;
            var v3 = h3;
            var v4 = h4;
            var v5 = h5;
            var v6 = h6;
            var v7 = h7;
            var v8 = Vector256.Create(Iv0);
            var v9 = Vector256.Create(Iv1);
            var v10 = Vector256.Create(Iv2);
            var v11 = Vector256.Create(Iv3);
            var v12 = counterLow;
            var v13 = counterHigh;
            var v14 = Vector256.Create((uint)Blake3.BlockSize);
            var v15 = Vector256.Create(blockFlags);

            // Round 1
            G(ref v0, ref v4, ref v8, ref v12, m[0], m[1]);
            G(ref v1, ref v5, ref v9, ref v13, m[2], m[3]);
            G(ref v2, ref v6, ref v10, ref v14, m[4], m[5]);
            G(ref v3, ref v7, ref v11, ref v15, m[6], m[7]);
            G(ref v0, ref v5, ref v10, ref v15, m[8], m[9]);
            G(ref v1, ref v6, ref v11, ref v12, m[10], m[11]);
            G(ref v2, ref v7, ref v8, ref v13, m[12], m[13]);
            G(ref v3, ref v4, ref v9, ref v14, m[14], m[15]);
            // Round 2
            G(ref v0, ref v4, ref v8, ref v12, m[2], m[6]);
            G(ref v1, ref v5, ref v9, ref v13, m[3], m[10]);
            G(ref v2, ref v6, ref v10, ref v14, m[7], m[0]);
            G(ref v3, ref v7, ref v11, ref v15, m[4], m[13]);
            G(ref v0, ref v5, ref v10, ref v15, m[1], m[11]);
            G(ref v1, ref v6, ref v11, ref v12, m[12], m[5]);
            G(ref v2, ref v7, ref v8, ref v13, m[9], m[14]);
            G(ref v3, ref v4, ref v9, ref v14, m[15], m[8]);
            // Round 3
            G(ref v0, ref v4, ref v8, ref v12, m[3], m[4]);
            G(ref v1, ref v5, ref v9, ref v13, m[10], m[12]);
            G(ref v2, ref v6, ref v10, ref v14, m[13], m[2]);
            G(ref v3, ref v7, ref v11, ref v15, m[7], m[14]);
            G(ref v0, ref v5, ref v10, ref v15, m[6], m[5]);
            G(ref v1, ref v6, ref v11, ref v12, m[9], m[0]);
            G(ref v2, ref v7, ref v8, ref v13, m[11], m[15]);
            G(ref v3, ref v4, ref v9, ref v14, m[8], m[1]);
            // Round 4
            G(ref v0, ref v4, ref v8, ref v12, m[10], m[7]);
            G(ref v1, ref v5, ref v9, ref v13, m[12], m[9]);
            G(ref v2, ref v6, ref v10, ref v14, m[14], m[3]);
            G(ref v3, ref v7, ref v11, ref v15, m[13], m[15]);
            G(ref v0, ref v5, ref v10, ref v15, m[4], m[0]);
            G(ref v1, ref v6, ref v11, ref v12, m[11], m[2]);
            G(ref v2, ref v7, ref v8, ref v13, m[5], m[8]);
            G(ref v3, ref v4, ref v9, ref v14, m[1], m[6]);
            // Round 5
            G(ref v0, ref v4, ref v8, ref v12, m[12], m[13]);
            G(ref v1, ref v5, ref v9, ref v13, m[9], m[11]);
            G(ref v2, ref v6, ref v10, ref v14, m[15], m[10]);
            G(ref v3, ref v7, ref v11, ref v15, m[14], m[8]);
            G(ref v0, ref v5, ref v10, ref v15, m[7], m[2]);
            G(ref v1, ref v6, ref v11, ref v12, m[5], m[3]);
            G(ref v2, ref v7, ref v8, ref v13, m[0], m[1]);
            G(ref v3, ref v4, ref v9, ref v14, m[6], m[4]);
            // Round 6
            G(ref v0, ref v4, ref v8, ref v12, m[9], m[14]);
            G(ref v1, ref v5, ref v9, ref v13, m[11], m[5]);
            G(ref v2, ref v6, ref v10, ref v14, m[8], m[12]);
            G(ref v3, ref v7, ref v11, ref v15, m[15], m[1]);
            G(ref v0, ref v5, ref v10, ref v15, m[13], m[3]);
            G(ref v1, ref v6, ref v11, ref v12, m[0], m[10]);
            G(ref v2, ref v7, ref v8, ref v13, m[2], m[6]);
            G(ref v3, ref v4, ref v9, ref v14, m[4], m[7]);
            // Round 7
            G(ref v0, ref v4, ref v8, ref v12, m[11], m[15]);
            G(ref v1, ref v5, ref v9, ref v13, m[5], m[0]);
            G(ref v2, ref v6, ref v10, ref v14, m[1], m[9]);
            G(ref v3, ref v7, ref v11, ref v15, m[8], m[6]);
            G(ref v0, ref v5, ref v10, ref v15, m[14], m[10]);
            G(ref v1, ref v6, ref v11, ref v12, m[2], m[12]);
            G(ref v2, ref v7, ref v8, ref v13, m[3], m[4]);
            G(ref v3, ref v4, ref v9, ref v14, m[7], m[13]);

            h0 = Avx2.Xor(v0, v8);
            h1 = Avx2.Xor(v1, v9);
            h2 = Avx2.Xor(v2, v10);
            h3 = Avx2.Xor(v3, v11);
            h4 = Avx2.Xor(v4, v12);
            h5 = Avx2.Xor(v5, v13);
            h6 = Avx2.Xor(v6, v14);
            h7 = Avx2.Xor(v7, v15);
        }

        // Word-major back to lane-major: a transpose turns "word w of every lane" into "every word of lane i".
        Transpose(h0, h1, h2, h3, h4, h5, h6, h7, (Vector256<uint>*)output);
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
    private static void Transpose(
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

    /// <summary>The BLAKE3 quarter-round on eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c, ref Vector256<uint> d, Vector256<uint> x, Vector256<uint> y)
    {
        a = Avx2.Add(Avx2.Add(a, b), x);
        d = RotateRight16(Avx2.Xor(d, a));
        c = Avx2.Add(c, d);
        b = RotateRight12(Avx2.Xor(b, c));
        a = Avx2.Add(Avx2.Add(a, b), y);
        d = RotateRight8(Avx2.Xor(d, a));
        c = Avx2.Add(c, d);
        b = RotateRight7(Avx2.Xor(b, c));
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
