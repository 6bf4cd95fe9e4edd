using Mesh.Chunking;

namespace Mesh.Benchmarks.Chunking;

/// <summary>The chunks of a buffer as (offset, length) pairs, for benchmarks that hash a fixed chunk list.</summary>
internal static class ChunkSpans
{
    /// <summary>Chunks <paramref name="data"/> with the default parameters and lists where each chunk lies.</summary>
    public static (int Offset, int Length)[] Of(ReadOnlySpan<byte> data)
    {
        var lengths = Chunker.ChunkLengths(data, ChunkerParameters.Default);
        var spans = new (int Offset, int Length)[lengths.Count];
        var offset = 0;
        for (var i = 0; i < lengths.Count; i++)
        {
            spans[i] = (offset, lengths[i]);
            offset += lengths[i];
        }

        return spans;
    }
}
