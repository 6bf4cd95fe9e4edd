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
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int FindCut(ReadOnlySpan<byte> data, int start, int normal, int end, ulong smallThreshold, ulong largeThreshold)
    {
        ref var gear = ref MemoryMarshal.GetArrayDataReference(GearTable.Values);
        fixed (byte* bytes = data)
        {
            ulong fp = 0;
            var i = start;
            var threshold = smallThreshold;
            var limit = normal;
            for (var region = 0; region < 2; region++)
            {
                // Four bytes per step: the partial sums s1..s3 do not depend on fp, so the loop-carried
                // dependency is one shift and one add per four bytes instead of per byte.
                while (i + 4 <= limit)
                {
                    var g0 = Unsafe.Add(ref gear, bytes[i]);
                    var g1 = Unsafe.Add(ref gear, bytes[i + 1]);
                    var g2 = Unsafe.Add(ref gear, bytes[i + 2]);
                    var g3 = Unsafe.Add(ref gear, bytes[i + 3]);
                    var s1 = (g0 << 1) + g1;
                    var s2 = (s1 << 1) + g2;
                    var s3 = (s2 << 1) + g3;
                    var f0 = (fp << 1) + g0;
                    var f1 = (fp << 2) + s1;
                    var f2 = (fp << 3) + s2;
                    var f3 = (fp << 4) + s3;
                    if ((f0 < threshold) | (f1 < threshold) | (f2 < threshold) | (f3 < threshold))
                    {
                        return f0 < threshold ? i + 1 : f1 < threshold ? i + 2 : f2 < threshold ? i + 3 : i + 4;
                    }

                    fp = f3;
                    i += 4;
                }

                while (i < limit)
                {
                    fp = (fp << 1) + Unsafe.Add(ref gear, bytes[i]);
                    i++;
                    if (fp < threshold)
                    {
                        return i;
                    }
                }

                threshold = largeThreshold;
                limit = end;
            }

            return -1;
        }
    }
}
