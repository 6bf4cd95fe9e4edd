using System.Runtime.InteropServices;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class ChunkBufferTests
{
    [Fact]
    public void Only_a_few_returned_arrays_of_each_size_are_kept()
    {
        // Another size than other tests use, so arrays they return do not count here.
        var data = new byte[(96 * 1024) + 7];
        Random.Shared.NextBytes(data);
        var first = Enumerable.Range(0, 40).Select(_ => ChunkBuffer.CopyOf(data)).ToList();
        var arrays = first.Select(ArrayOf).ToHashSet(ReferenceEqualityComparer.Instance);
        Assert.All(first, b => Assert.True(b.Span.SequenceEqual(data)));
        first.ForEach(b => b.Dispose());

        var second = Enumerable.Range(0, 40).Select(_ => ChunkBuffer.CopyOf(data)).ToList();
        var reused = second.Count(b => arrays.Contains(ArrayOf(b)));
        second.ForEach(b => b.Dispose());

        // Eight per size, and a request may be served from the next two sizes up: at most 24. The shared
        // pool keeps 32 per core plus one per thread. Other tests may take some of these arrays
        // meanwhile, so only the bound is exact.
        Assert.True(reused <= 24, $"{reused} of 40 returned arrays were kept");
    }

    private static byte[] ArrayOf(ChunkBuffer buffer) =>
        MemoryMarshal.TryGetArray(buffer.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");
}
