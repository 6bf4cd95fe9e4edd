namespace Mesh.Chunking.Tests;

/// <summary>
/// The chunking definition written as plainly as possible, one byte at a time, independent of the
/// product's unrolled loop: the product must cut exactly where this does.
/// </summary>
internal static class ReferenceChunker
{
    public static List<int> ChunkLengths(ReadOnlySpan<byte> data, ChunkerParameters parameters)
    {
        var bits = (int)Math.Log2(parameters.AverageSize);
        var smallMask = ~0UL << (64 - (bits + 2));
        var largeMask = ~0UL << (64 - (bits - 2));
        var lengths = new List<int>();
        var start = 0;
        while (start < data.Length)
        {
            var remaining = data.Length - start;
            var length = remaining;
            if (remaining >= parameters.MinSize)
            {
                length = Math.Min(remaining, parameters.MaxSize);
                ulong fp = 0;
                for (var i = parameters.MinSize - 1; i < Math.Min(remaining, parameters.MaxSize); i++)
                {
                    fp = (fp << 1) + GearTable.Values[data[start + i]];
                    var mask = i + 1 <= parameters.AverageSize ? smallMask : largeMask;
                    if ((fp & mask) == 0)
                    {
                        length = i + 1;
                        break;
                    }
                }
            }

            lengths.Add(length);
            start += length;
        }

        return lengths;
    }
}
