using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    /// <summary>
    /// Scans from <paramref name="start"/> and returns the chunk length of the first cut point
    /// before <paramref name="end"/>, or -1 if there is none.
    /// </summary>
    // Fully optimized from the first call: a short-lived `mesh manifest` would otherwise spend its
    // first hundreds of MB in unoptimized code before tiering catches up.
    //
    // Why this shape (measured, docs/chunking.md): one byte per step on the fingerprint's own chain,
    // eight steps per loop turn, each followed by its own compare-and-branch. The chain is one
    // `lea` per byte (fp*2 + gear) and the branches are almost never taken, so each compare fuses
    // with its jump into one macro-op; this ran 2.4x faster than testing four fingerprints at once
    // with non-short-circuit `|` (which costs setb/movzx/or per byte) and faster than breaking the
    // chain with partial sums (more operations per byte, and the chain was not the limit anyway).
    // Pointers rather than indices: no bounds checks and no index sign-extension in the loop.
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int FindCut(ReadOnlySpan<byte> data, int start, int normal, int end, ulong smallThreshold, ulong largeThreshold)
    {
        ref var gear = ref MemoryMarshal.GetArrayDataReference(GearTable.Values);
        fixed (byte* bytes = data)
        {
            ulong fp = 0;
            var p = bytes + start;
            var stop = bytes + normal;
            var threshold = smallThreshold;
            for (var region = 0; region < 2; region++)
            {
                while (p + 8 <= stop)
                {
                    fp = (fp << 1) + Unsafe.Add(ref gear, p[0]);
                    if (fp < threshold)
                    {
                        return (int)(p - bytes) + 1;
                    }

                    fp = (fp << 1) + Unsafe.Add(ref gear, p[1]);
                    if (fp < threshold)
                    {
                        return (int)(p - bytes) + 2;
                    }

                    fp = (fp << 1) + Unsafe.Add(ref gear, p[2]);
                    if (fp < threshold)
                    {
                        return (int)(p - bytes) + 3;
                    }

                    fp = (fp << 1) + Unsafe.Add(ref gear, p[3]);
                    if (fp < threshold)
                    {
                        return (int)(p - bytes) + 4;
                    }

                    fp = (fp << 1) + Unsafe.Add(ref gear, p[4]);
                    if (fp < threshold)
                    {
                        return (int)(p - bytes) + 5;
                    }

                    fp = (fp << 1) + Unsafe.Add(ref gear, p[5]);
                    if (fp < threshold)
                    {
                        return (int)(p - bytes) + 6;
                    }

                    fp = (fp << 1) + Unsafe.Add(ref gear, p[6]);
                    if (fp < threshold)
                    {
                        return (int)(p - bytes) + 7;
                    }

                    fp = (fp << 1) + Unsafe.Add(ref gear, p[7]);
                    if (fp < threshold)
                    {
                        return (int)(p - bytes) + 8;
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
}
