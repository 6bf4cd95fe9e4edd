using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Mesh.Chunking;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// Chunking alone, hashing alone (BLAKE3 and SHA-256 over the same chunk list; the product's
/// ChunkHasher is the winner, SHA-256) and chunk+hash with the product's hasher, on
/// 256 MiB of random data already in memory, on one thread and on all cores, plus the pipeline on the
/// same bytes as a warm file (positional reads, as `mesh manifest` does). GB/s = 0.268 / seconds.
/// </summary>
[Config(typeof(ChunkingBenchmarkConfig))]
[MemoryDiagnoser]
public class ChunkingBenchmarks
{
    private const int Size = (int)ChunkingBenchmarkConfig.BytesPerOperation;
    private byte[] _data = [];
    private (int Offset, int Length)[] _chunks = [];
    private string _file = "";

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(256).NextBytes(_data);
        _chunks = ChunkSpans.Of(_data);

        // The same bytes as a file, warm in the page cache: the path `mesh manifest` takes.
        _file = Path.Combine(Path.GetTempPath(), $"mesh-chunking-bench-{Environment.ProcessId}.bin");
        File.WriteAllBytes(_file, _data);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_file);

    [Benchmark(Description = "chunk, 1 thread")]
    public int Chunk() => CpuMeter.Measure("chunk, 1 thread", () => Chunker.ChunkLengths(_data, ChunkerParameters.Default).Count);

    /// <summary>The former default (16/64/256 KiB), to set the default's scan against it in the same run.</summary>
    [Benchmark(Description = "chunk, 1 thread, set 1")]
    public int ChunkSet1() => CpuMeter.Measure("chunk, 1 thread, set 1", () => Chunker.ChunkLengths(_data, ChunkerParameters.FromId(1)).Count);

    [Benchmark(Description = "BLAKE3 chunks, 1 thread")]
    public byte Blake3OneThread() => CpuMeter.Measure("BLAKE3 chunks, 1 thread", Blake3Chunks);

    [Benchmark(Description = "SHA-256 chunks, 1 thread")]
    public byte Sha256OneThread() => CpuMeter.Measure("SHA-256 chunks, 1 thread", Sha256Chunks);

    [Benchmark(Description = "BLAKE3 chunks, all cores")]
    public int Blake3AllCores() => CpuMeter.Measure("BLAKE3 chunks, all cores", () => HashAllCores(static (data, hash) => Blake3.Hasher.Hash(data, hash[..32])));

    [Benchmark(Description = "SHA-256 chunks, all cores")]
    public int Sha256AllCores() => CpuMeter.Measure("SHA-256 chunks, all cores", () => HashAllCores(static (data, hash) => SHA256.HashData(data, hash)));

    [Benchmark(Description = "chunk+hash, 1 thread")]
    public int ChunkAndHashOneThread() => CpuMeter.Measure("chunk+hash, 1 thread", () => ManifestBuilder.Build(_data, ChunkerParameters.Default).Chunks.Count);

    [Benchmark(Description = "chunk+hash pipeline, all cores")]
    public int ChunkAndHashAllCores() => CpuMeter.Measure("chunk+hash pipeline, all cores", () =>
    {
        // Includes the MemoryStream copy, as a file read would.
        using var stream = new MemoryStream(_data, writable: false);
        return ManifestBuilder.BuildAsync(stream, ChunkerParameters.Default, CancellationToken.None).GetAwaiter().GetResult().Chunks.Count;
    });

    [Benchmark(Description = "chunk+hash pipeline, all cores, warm file")]
    public int ChunkAndHashFile() => CpuMeter.Measure("chunk+hash pipeline, all cores, warm file", () =>
        ManifestBuilder.BuildAsync(_file, ChunkerParameters.Default, CancellationToken.None).GetAwaiter().GetResult().Chunks.Count);

    private delegate void HashFunction(ReadOnlySpan<byte> data, Span<byte> hash);

    private byte Blake3Chunks()
    {
        Span<byte> hash = stackalloc byte[32];
        byte sum = 0;
        foreach (var (offset, length) in _chunks)
        {
            Blake3.Hasher.Hash(_data.AsSpan(offset, length), hash);
            sum ^= hash[0];
        }

        return sum;
    }

    private byte Sha256Chunks()
    {
        Span<byte> hash = stackalloc byte[32];
        byte sum = 0;
        foreach (var (offset, length) in _chunks)
        {
            SHA256.HashData(_data.AsSpan(offset, length), hash);
            sum ^= hash[0];
        }

        return sum;
    }

    private int HashAllCores(HashFunction hash)
    {
        Parallel.For(0, _chunks.Length, () => new byte[32], (i, _, destination) =>
        {
            hash(_data.AsSpan(_chunks[i].Offset, _chunks[i].Length), destination);
            return destination;
        }, _ => { });
        return _chunks.Length;
    }
}
