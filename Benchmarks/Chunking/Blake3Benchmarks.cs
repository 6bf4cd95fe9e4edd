using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Mesh.Chunking;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// The chunk-hash candidates over the same chunk list, one thread each: .NET's SHA-256 (OpenSSL, SHA
/// extensions; the product's chunk hash), our BLAKE3 (<see cref="Mesh.Chunking.Blake3"/>, AVX2 eight
/// lanes) and the Blake3 package. Two inputs: 256 MiB of random data (mostly read from memory) and
/// the chunks of its first 2 MiB hashed 128 times (cache-warm, as in the pipeline, where a block is
/// hashed right after it was read and cut). The set-up checks that ours equals the package.
/// </summary>
[Config(typeof(ChunkingBenchmarkConfig))]
public class Blake3Benchmarks
{
    private const int Size = (int)ChunkingBenchmarkConfig.BytesPerOperation;
    private const int WarmBytes = 2 * 1024 * 1024;
    private byte[] _data = [];
    private (int Offset, int Length)[] _chunks = [];
    private (int Offset, int Length)[] _warmChunks = [];
    private int _warmRepeats;

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(256).NextBytes(_data);
        _chunks = ChunkSpans.Of(_data);

        // The whole chunks inside the first 2 MiB, repeated to about the same byte count as the big input.
        _warmChunks = _chunks.TakeWhile(c => c.Offset + c.Length <= WarmBytes).ToArray();
        _warmRepeats = (int)Math.Round((double)Size / _warmChunks.Sum(c => c.Length));

        Span<byte> ours = stackalloc byte[32];
        Span<byte> package = stackalloc byte[32];
        foreach (var (offset, length) in _chunks.Take(64))
        {
            Mesh.Chunking.Blake3.Hash(_data.AsSpan(offset, length), ours);
            global::Blake3.Hasher.Hash(_data.AsSpan(offset, length), package);
            if (!ours.SequenceEqual(package))
            {
                throw new InvalidOperationException($"our BLAKE3 of a {length}-byte chunk differs from the package's");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "SHA-256 (SHA-NI), 256 MiB")]
    public byte Sha256() => CpuMeter.Measure("SHA-256 (SHA-NI), 256 MiB", () => HashAll(_chunks, 1, static (data, hash) => SHA256.HashData(data, hash)));

    [Benchmark(Description = "BLAKE3 ours (AVX2), 256 MiB")]
    public byte Ours() => CpuMeter.Measure("BLAKE3 ours (AVX2), 256 MiB", () => HashAll(_chunks, 1, static (data, hash) => Mesh.Chunking.Blake3.Hash(data, hash)));

    [Benchmark(Description = "BLAKE3 package 3.0.2, 256 MiB")]
    public byte Package() => CpuMeter.Measure("BLAKE3 package 3.0.2, 256 MiB", () => HashAll(_chunks, 1, static (data, hash) => global::Blake3.Hasher.Hash(data, hash)));

    [Benchmark(Description = "SHA-256 (SHA-NI), warm 2 MiB")]
    public byte Sha256Warm() => CpuMeter.Measure("SHA-256 (SHA-NI), warm 2 MiB", () => HashAll(_warmChunks, _warmRepeats, static (data, hash) => SHA256.HashData(data, hash)));

    [Benchmark(Description = "BLAKE3 ours (AVX2), warm 2 MiB")]
    public byte OursWarm() => CpuMeter.Measure("BLAKE3 ours (AVX2), warm 2 MiB", () => HashAll(_warmChunks, _warmRepeats, static (data, hash) => Mesh.Chunking.Blake3.Hash(data, hash)));

    private delegate void HashFunction(ReadOnlySpan<byte> data, Span<byte> hash);

    private byte HashAll((int Offset, int Length)[] chunks, int repeats, HashFunction hash)
    {
        Span<byte> digest = stackalloc byte[32];
        byte sum = 0;
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            foreach (var (offset, length) in chunks)
            {
                hash(_data.AsSpan(offset, length), digest);
                sum ^= digest[0];
            }
        }

        return sum;
    }
}
