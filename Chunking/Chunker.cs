using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Mesh.Chunking;

/// <summary>
/// FastCDC content-defined chunking (Xia et al., USENIX ATC 2016): a Gear rolling hash, cut-point
/// skipping below the minimum size, and normalized chunking with a harder mask before the average
/// size and an easier one after it.
/// </summary>
/// <remarks>
/// The definition, which the wire format depends on: for a chunk starting at offset 0 of the
/// remaining input, the fingerprint starts at 0 and takes byte i as <c>fp = (fp &lt;&lt; 1) + Gear[b[i]]</c>
/// for i = MinSize-1, MinSize, …; after byte i the chunk may end with length i+1 when the fingerprint
/// is below the small threshold (while i+1 ≤ AverageSize) or the large threshold (after); at
/// MaxSize the cut is forced. The last chunk of the input may be shorter than MinSize.
/// </remarks>
public static class Chunker
{
    /// <summary>
    /// Returns the length of the chunk that starts at the beginning of <paramref name="data"/>, or 0
    /// when <paramref name="data"/> is empty or, not being the end of the input, is too short to decide.
    /// </summary>
    /// <param name="data">The input from the start of the next chunk.</param>
    /// <param name="parameters">The parameter set.</param>
    /// <param name="isFinal">Whether <paramref name="data"/> runs to the end of the input.</param>
    public static int NextChunkLength(ReadOnlySpan<byte> data, ChunkerParameters parameters, bool isFinal)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var length = data.Length;
        if (length < parameters.MinSize)
        {
            return isFinal ? length : 0;
        }

        var end = Math.Min(length, parameters.MaxSize);
        var normal = Math.Min(end, parameters.AverageSize);
        var cut = FindCut(data, parameters.MinSize - 1, normal, end, parameters.SmallThreshold, parameters.LargeThreshold);
        if (cut > 0)
        {
            return cut;
        }

        return end == parameters.MaxSize || isFinal ? end : 0;
    }

    /// <summary>Cuts a whole in-memory input into chunks and returns their lengths in order.</summary>
    public static List<int> ChunkLengths(ReadOnlySpan<byte> data, ChunkerParameters parameters)
    {
        var lengths = new List<int>();
        var offset = 0;
        while (offset < data.Length)
        {
            var length = NextChunkLength(data[offset..], parameters, isFinal: true);
            lengths.Add(length);
            offset += length;
        }

        return lengths;
    }

    /// <summary>
    /// Cuts as many complete chunks from <paramref name="data"/> as can be decided, writing their
    /// lengths into <paramref name="lengths"/>; returns how many were written and the bytes they cover.
    /// Allocates nothing.
    /// </summary>
    internal static int CutBlock(ReadOnlySpan<byte> data, ChunkerParameters parameters, bool isFinal, Span<int> lengths, out int consumed)
    {
        var count = 0;
        var offset = 0;
        while (offset < data.Length && count < lengths.Length)
        {
            var length = NextChunkLength(data[offset..], parameters, isFinal);
            if (length == 0)
            {
                break;
            }

            lengths[count++] = length;
            offset += length;
        }

        consumed = offset;
        return count;
    }

    /// <summary>How far ahead of the scan <see cref="FindCut"/> asks for the input (bytes).</summary>
    // About a DRAM miss ahead at ~1 byte per cycle, and near enough that the lines are still in L1
    // when the scan reaches them. 512 B to 2 KiB measured alike (docs/chunking.md, "Session 6").
    internal const int PrefetchDistance = 1024;

    private const int CacheLine = 64;

    /// <summary>
    /// Scans from <paramref name="start"/> and returns the chunk length of the first cut point
    /// before <paramref name="end"/>, or -1 if there is none.
    /// </summary>
    // Fully optimized from the first call: a short-lived `mesh manifest` would otherwise spend its
    // first hundreds of MB in unoptimized code before tiering catches up. Never inlined: tier-1
    // NextChunkLength (with synthesized PGO) inlined it, and that copy of the loop ran 5x slower
    // than this method compiled on its own. One call per chunk costs nothing measurable.
    //
    // Why this shape (measured, docs/chunking.md, sessions 6-7): one byte per step on the fingerprint's
    // own chain, each followed by its own compare-and-branch, 64 steps per turn (eight ScanEight
    // blocks: the pointer update and loop test, once per 8 bytes before, cost 8-17 % of the time).
    // Per byte that is four macro-ops (byte load, Gear load, `lea` fp*2 + gear, compare fused with its
    // rarely taken jump), and the chain is the one `lea`, one cycle. Two limits meet at about one cycle
    // per byte: the chain, and the ~4 macro-ops per cycle this VM's core sustains for this code (its
    // best runs are 1.04-1.05 cycles per scanned byte). Shortening the chain means more macro-ops per
    // byte: two bytes per step (fp*4 + (2*g1 + g2), the odd fingerprint only compared) is 4.5 per byte
    // and ran 1.2x slower, four bytes per step 1.5x slower (Benchmarks' GearStepBenchmarks). Testing
    // four fingerprints at once with non-short-circuit `|` (setb/movzx/or per byte) ran 2.4x slower.
    // Keeping four macro-ops per byte but taking the chain off the critical path did not help either
    // (session 8): two independent chains in one loop, the second warmed on the 63 bytes before its
    // half of a segment (exact, because after 64 bytes the fingerprint depends only on the last 64),
    // ran at 0.99-1.07x this loop's CPU time for 8 KiB halves and worse for shorter ones; three
    // chains 1.29x. So on this VM the chain is not what binds; the core's throughput is
    // (GearStepVariants.TwoChains keeps the form for re-measuring on another machine).
    // Pointers rather than indices: no bounds checks and no index sign-extension in the loop.
    //
    // Software prefetch (1-2 % over 256 MiB from memory): every chunk starts its scan MinSize bytes
    // past the previous cut, in memory the hardware prefetchers have not seen (they follow a stream
    // within a 4 KiB page and need a few misses to start). The first PrefetchDistance bytes are
    // requested at once, then one line PrefetchDistance ahead per 64 bytes scanned. Prefetches never
    // fault, so running past the end of the input is harmless; they change timing, not what is read.
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static unsafe int FindCut(ReadOnlySpan<byte> data, int start, int normal, int end, ulong smallThreshold, ulong largeThreshold)
    {
        ref var gear = ref MemoryMarshal.GetArrayDataReference(GearTable.Values);
        fixed (byte* bytes = data)
        {
            ulong fp = 0;
            var p = bytes + start;
            var stop = bytes + normal;
            var threshold = smallThreshold;
            if (Sse.IsSupported)
            {
                for (var line = 0; line < PrefetchDistance; line += CacheLine)
                {
                    Sse.Prefetch0(p + line);
                }
            }

            for (var region = 0; region < 2; region++)
            {
                while (p + CacheLine <= stop)
                {
                    if (Sse.IsSupported)
                    {
                        Sse.Prefetch0(p + PrefetchDistance);
                    }

                    if (ScanEight(p, ref gear, ref fp, threshold, out var taken)
                        || ScanEight(p + 8, ref gear, ref fp, threshold, out taken, 8)
                        || ScanEight(p + 16, ref gear, ref fp, threshold, out taken, 16)
                        || ScanEight(p + 24, ref gear, ref fp, threshold, out taken, 24)
                        || ScanEight(p + 32, ref gear, ref fp, threshold, out taken, 32)
                        || ScanEight(p + 40, ref gear, ref fp, threshold, out taken, 40)
                        || ScanEight(p + 48, ref gear, ref fp, threshold, out taken, 48)
                        || ScanEight(p + 56, ref gear, ref fp, threshold, out taken, 56))
                    {
                        return (int)(p - bytes) + taken;
                    }

                    p += CacheLine;
                }

                while (p + 8 <= stop)
                {
                    if (ScanEight(p, ref gear, ref fp, threshold, out var taken))
                    {
                        return (int)(p - bytes) + taken;
                    }

                    p += 8;
                }

                while (p < stop)
                {
                    fp = (fp << 1) + Unsafe.Add(ref gear, *p);
                    p++;
                    if (fp < threshold)
                    {
                        return (int)(p - bytes);
                    }
                }

                threshold = largeThreshold;
                stop = bytes + end;
            }

            return -1;
        }
    }

    /// <summary>
    /// Takes the eight bytes at <paramref name="p"/> into the fingerprint, stopping at the first cut
    /// point; returns whether there was one and, in <paramref name="taken"/>, how many bytes were
    /// taken up to and including it, plus <paramref name="before"/> (the bytes of the same turn
    /// taken by earlier calls).
    /// </summary>
    // Returning a bool (not a count with 0 for "none") keeps the no-cut path straight: with an int
    // the JIT laid out the common case as three taken jumps per eight bytes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool ScanEight(byte* p, ref ulong gear, ref ulong fp, ulong threshold, out int taken, int before = 0)
    {
        fp = (fp << 1) + Unsafe.Add(ref gear, p[0]);
        if (fp < threshold)
        {
            taken = before + 1;
            return true;
        }

        fp = (fp << 1) + Unsafe.Add(ref gear, p[1]);
        if (fp < threshold)
        {
            taken = before + 2;
            return true;
        }

        fp = (fp << 1) + Unsafe.Add(ref gear, p[2]);
        if (fp < threshold)
        {
            taken = before + 3;
            return true;
        }

        fp = (fp << 1) + Unsafe.Add(ref gear, p[3]);
        if (fp < threshold)
        {
            taken = before + 4;
            return true;
        }

        fp = (fp << 1) + Unsafe.Add(ref gear, p[4]);
        if (fp < threshold)
        {
            taken = before + 5;
            return true;
        }

        fp = (fp << 1) + Unsafe.Add(ref gear, p[5]);
        if (fp < threshold)
        {
            taken = before + 6;
            return true;
        }

        fp = (fp << 1) + Unsafe.Add(ref gear, p[6]);
        if (fp < threshold)
        {
            taken = before + 7;
            return true;
        }

        fp = (fp << 1) + Unsafe.Add(ref gear, p[7]);
        if (fp < threshold)
        {
            taken = before + 8;
            return true;
        }

        taken = 0;
        return false;
    }
}
