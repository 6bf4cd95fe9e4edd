using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mesh.Chunking;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// Exact alternatives to the product's Gear scan (<c>Chunker.FindCut</c>) that take the one-cycle
/// loop-carried chain off the critical path: advancing the fingerprint by two or four bytes per step
/// (one <c>lea</c> on the chain per two, or two per four, bytes), or running two independent chains
/// over the two halves of a segment. They cut where the product cuts (checked by
/// <see cref="GearStepBenchmarks"/> before measuring). Kept to measure, not to ship: on this machine
/// they were slower or no faster (docs/chunking.md, sessions 7 and 8).
/// </summary>
internal static unsafe class GearStepVariants
{
    /// <summary>Finds the chunk length at the start of <paramref name="data"/> like <c>Chunker.FindCut</c>, or -1.</summary>
    internal delegate int Scan(byte* bytes, int start, int normal, int end, ulong smallThreshold, ulong largeThreshold);

    /// <summary>Cuts <paramref name="data"/> into chunks with <paramref name="scan"/> and returns their lengths.</summary>
    internal static List<int> ChunkLengths(ReadOnlySpan<byte> data, ChunkerParameters parameters, Scan scan)
    {
        var lengths = new List<int>();
        fixed (byte* bytes = data)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                var remaining = data.Length - offset;
                var length = remaining;
                if (remaining >= parameters.MinSize)
                {
                    var end = Math.Min(remaining, parameters.MaxSize);
                    var cut = scan(bytes + offset, parameters.MinSize - 1, Math.Min(end, parameters.AverageSize), end, parameters.SmallThreshold, parameters.LargeThreshold);
                    length = cut > 0 ? cut : end;
                }

                lengths.Add(length);
                offset += length;
            }
        }

        return lengths;
    }

    // 64 bytes per turn, like the product. A cut anywhere in a turn sends the scan back to the turn's
    // start, one byte at a time (Bytewise): every test is a branch to one cold label and the common
    // path falls through. Carrying the cut position out of each step instead, or nesting the steps in
    // an inlined helper, made the JIT lay out taken jumps or setb/test pairs on the common path.

    /// <summary>Two bytes per step: the odd fingerprint is only compared; the chain is fp*4 + (2*g1 + g2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static int PairSteps(byte* bytes, int start, int normal, int end, ulong smallThreshold, ulong largeThreshold)
    {
        ref var gear = ref MemoryMarshal.GetArrayDataReference(GearTable.Values);
        ulong fp = 0;
        var p = bytes + start;
        var stop = bytes + normal;
        var threshold = smallThreshold;
        for (var region = 0; region < 2; region++)
        {
            while (p + 64 <= stop)
            {
                var before = fp;
                if (Pair(p, 0, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 2, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 4, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 6, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 8, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 10, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 12, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 14, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 16, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 18, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 20, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 22, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 24, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 26, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 28, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 30, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 32, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 34, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 36, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 38, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 40, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 42, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 44, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 46, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 48, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 50, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 52, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 54, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 56, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 58, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 60, ref gear, ref fp, threshold)) goto Found;
                if (Pair(p, 62, ref gear, ref fp, threshold)) goto Found;
                p += 64;
                continue;
            Found:
                fp = before;
                stop = p + 64;
                break;
            }

            var cut = Bytewise(bytes, ref p, stop, ref gear, ref fp, threshold);
            if (cut > 0)
            {
                return cut;
            }

            threshold = largeThreshold;
            stop = bytes + end;
        }

        return -1;
    }

    /// <summary>Four bytes per step: three fingerprints only compared; the chain is two <c>lea</c> per four bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static int FourSteps(byte* bytes, int start, int normal, int end, ulong smallThreshold, ulong largeThreshold)
    {
        ref var gear = ref MemoryMarshal.GetArrayDataReference(GearTable.Values);
        ulong fp = 0;
        var p = bytes + start;
        var stop = bytes + normal;
        var threshold = smallThreshold;
        for (var region = 0; region < 2; region++)
        {
            while (p + 64 <= stop)
            {
                var before = fp;
                if (Four(p, 0, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 4, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 8, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 12, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 16, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 20, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 24, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 28, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 32, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 36, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 40, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 44, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 48, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 52, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 56, ref gear, ref fp, threshold)) goto Found;
                if (Four(p, 60, ref gear, ref fp, threshold)) goto Found;
                p += 64;
                continue;
            Found:
                fp = before;
                stop = p + 64;
                break;
            }

            var cut = Bytewise(bytes, ref p, stop, ref gear, ref fp, threshold);
            if (cut > 0)
            {
                return cut;
            }

            threshold = largeThreshold;
            stop = bytes + end;
        }

        return -1;
    }

    /// <summary>Bytes each of the two chains of <see cref="TwoChains"/> tests per segment (the best of 1-16 KiB measured).</summary>
    internal const int ChainSpan = 8192;

    /// <summary>
    /// Two independent fingerprint chains in one loop, one byte of each per step. The fingerprint
    /// after byte q depends only on bytes q-63..q once 64 bytes are in, so a second chain started at
    /// 0 on the 63 bytes before position x has the true fingerprint from x on. Each segment of
    /// 2 × <see cref="ChainSpan"/> bytes: chain A (the running fingerprint) tests the first half,
    /// chain B, warmed on A's last 63 bytes, the second; a cut of A is the answer, one of B only if A
    /// has none, and B's fingerprint runs on into the next segment.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static int TwoChains(byte* bytes, int start, int normal, int end, ulong smallThreshold, ulong largeThreshold)
    {
        ref var gear = ref MemoryMarshal.GetArrayDataReference(GearTable.Values);
        ulong fp = 0;
        var p = bytes + start;
        var stop = bytes + normal;
        var threshold = smallThreshold;
        for (var region = 0; region < 2; region++)
        {
            while (p + (2 * ChainSpan) <= stop)
            {
                var a = p;
                var b = p + ChainSpan;
                ulong fb = 0;
                for (var w = b - 63; w < b; w++)
                {
                    fb = (fb << 1) + Unsafe.Add(ref gear, *w);
                }

                var fa = fp;
                ulong beforeA, beforeB;
                while (a < p + ChainSpan)
                {
                    beforeA = fa;
                    beforeB = fb;
                    if (Step(a, 0, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 0, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 1, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 1, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 2, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 2, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 3, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 3, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 4, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 4, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 5, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 5, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 6, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 6, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 7, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 7, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 8, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 8, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 9, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 9, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 10, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 10, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 11, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 11, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 12, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 12, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 13, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 13, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 14, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 14, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 15, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 15, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 16, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 16, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 17, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 17, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 18, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 18, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 19, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 19, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 20, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 20, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 21, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 21, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 22, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 22, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 23, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 23, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 24, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 24, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 25, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 25, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 26, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 26, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 27, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 27, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 28, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 28, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 29, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 29, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 30, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 30, ref gear, ref fb, threshold)) goto Found;
                    if (Step(a, 31, ref gear, ref fa, threshold)) goto Found;
                    if (Step(b, 31, ref gear, ref fb, threshold)) goto Found;
                    a += 32;
                    b += 32;
                    continue;
                Found:
                    // Rescan this turn: A's 32 bytes first, then B's (which must hold a cut if A's do
                    // not), then the rest of A's half on its own; B's cut counts only if A has none.
                    var turnEnd = a + 32;
                    fa = beforeA;
                    var cutA = Bytewise(bytes, ref a, turnEnd, ref gear, ref fa, threshold);
                    if (cutA > 0)
                    {
                        return cutA;
                    }

                    fb = beforeB;
                    var cutB = Bytewise(bytes, ref b, b + 32, ref gear, ref fb, threshold);
                    cutA = OneChain(bytes, ref a, p + ChainSpan, ref gear, ref fa, threshold);
                    return cutA > 0 ? cutA : cutB;
                }

                fp = fb;
                p += 2 * ChainSpan;
            }

            var cut = OneChain(bytes, ref p, stop, ref gear, ref fp, threshold);
            if (cut > 0)
            {
                return cut;
            }

            threshold = largeThreshold;
            stop = bytes + end;
        }

        return -1;
    }

    // One chain, eight bytes per turn: the rest of chain A's half after B found a cut, and the
    // region tails shorter than a segment.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int OneChain(byte* bytes, ref byte* p, byte* stop, ref ulong gear, ref ulong fp, ulong threshold)
    {
        while (p + 8 <= stop)
        {
            var before = fp;
            if (Step(p, 0, ref gear, ref fp, threshold)) goto Found;
            if (Step(p, 1, ref gear, ref fp, threshold)) goto Found;
            if (Step(p, 2, ref gear, ref fp, threshold)) goto Found;
            if (Step(p, 3, ref gear, ref fp, threshold)) goto Found;
            if (Step(p, 4, ref gear, ref fp, threshold)) goto Found;
            if (Step(p, 5, ref gear, ref fp, threshold)) goto Found;
            if (Step(p, 6, ref gear, ref fp, threshold)) goto Found;
            if (Step(p, 7, ref gear, ref fp, threshold)) goto Found;
            p += 8;
            continue;
        Found:
            fp = before;
            stop = p + 8;
            break;
        }

        return Bytewise(bytes, ref p, stop, ref gear, ref fp, threshold);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bytewise(byte* bytes, ref byte* p, byte* stop, ref ulong gear, ref ulong fp, ulong threshold)
    {
        while (p < stop)
        {
            fp = (fp << 1) + Unsafe.Add(ref gear, *p++);
            if (fp < threshold)
            {
                return (int)(p - bytes);
            }
        }

        return 0;
    }

    // The pair sum h is computed before the first compare and added as `h + (fp << 2)`: written as
    // `(fp << 2) + ((g1 << 1) + g2)` the JIT reassociated it into three dependent adds on the chain.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Pair(byte* p, int k, ref ulong gear, ref ulong fp, ulong threshold)
    {
        var g1 = Unsafe.Add(ref gear, p[k]);
        var g2 = Unsafe.Add(ref gear, p[k + 1]);
        var h = (g1 << 1) + g2;
        return (fp << 1) + g1 < threshold || (fp = h + (fp << 2)) < threshold;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Four(byte* p, int k, ref ulong gear, ref ulong fp, ulong threshold)
    {
        var g1 = Unsafe.Add(ref gear, p[k]);
        var g2 = Unsafe.Add(ref gear, p[k + 1]);
        var g3 = Unsafe.Add(ref gear, p[k + 2]);
        var g4 = Unsafe.Add(ref gear, p[k + 3]);
        var s2 = (g1 << 1) + g2;
        var s3 = (s2 << 1) + g3;
        ulong f3;
        return (fp << 1) + g1 < threshold
            || s2 + (fp << 2) < threshold
            || (f3 = s3 + (fp << 3)) < threshold
            || (fp = g4 + (f3 << 1)) < threshold;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Step(byte* p, int k, ref ulong gear, ref ulong fp, ulong threshold) =>
        (fp = (fp << 1) + Unsafe.Add(ref gear, p[k])) < threshold;
}
