using BenchmarkDotNet.Attributes;
using Mesh.Chunking;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// The chunking suite's operations on slices short enough to fit between the neighbours' time
/// slices (4 MiB on one thread, 32 MiB for the all-core pipeline), one call per iteration; read the
/// Min column and "GB/s at Min" (<see cref="QuietSliceConfig"/>). Same random data and code as
/// <see cref="ChunkingBenchmarks"/>.
/// </summary>
[Config(typeof(QuietSliceConfig))]
public class QuietSliceBenchmarks
{
    private const int SliceBytes = 4 * 1024 * 1024;
    private const int PipelineBytes = 32 * 1024 * 1024;
    private byte[] _data = [];
    private (int Offset, int Length)[] _chunks = [];

    /// <summary>Bytes one call of the named benchmark method processes.</summary>
    public static long BytesPerCall(string method) => method == nameof(Pipeline) ? PipelineBytes : SliceBytes;

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[PipelineBytes];
        new Random(256).NextBytes(_data);
        _chunks = ChunkSpans.Of(_data.AsSpan(0, SliceBytes));
    }

    [Benchmark(Description = "chunk 4 MiB, 1 thread")]
    public int Chunk() => Chunker.ChunkLengths(_data.AsSpan(0, SliceBytes), ChunkerParameters.Default).Count;

    [Benchmark(Description = "SHA-256 chunks of 4 MiB, 1 thread")]
    public byte Hash()
    {
        Span<byte> hash = stackalloc byte[32];
        byte sum = 0;
        foreach (var (offset, length) in _chunks)
        {
            ChunkHasher.Hash(_data.AsSpan(offset, length), hash);
            sum ^= hash[0];
        }

        return sum;
    }

    [Benchmark(Description = "chunk+hash 4 MiB, 1 thread")]
    public int ChunkAndHash() => ManifestBuilder.Build(_data.AsSpan(0, SliceBytes), ChunkerParameters.Default).Chunks.Count;

    [Benchmark(Description = "chunk+hash pipeline 32 MiB, all cores")]
    public int Pipeline()
    {
        using var stream = new MemoryStream(_data, writable: false);
        return ManifestBuilder.BuildAsync(stream, ChunkerParameters.Default, CancellationToken.None).GetAwaiter().GetResult().Chunks.Count;
    }
}
