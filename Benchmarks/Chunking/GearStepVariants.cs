using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mesh.Chunking;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// Exact alternatives to the product's Gear scan (<c>Chunker.FindCut</c>) that advance the
/// fingerprint by two or four bytes per step, so that its loop-carried chain costs one <c>lea</c> per
/// two (or two per four) bytes instead of one per byte. They cut where the product cuts (checked by
/// <see cref="GearStepBenchmarks"/> before measuring). Kept to measure, not to ship: on this machine
/// they were slower (docs/chunking.md, "Session 7").
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
}
