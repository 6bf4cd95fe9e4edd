using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Mesh.Chunking;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// The eight-lane AVX2 SHA-256 prototype (<see cref="MultiBufferSha256"/>) against .NET's SHA-256
/// (OpenSSL, SHA extensions) over the same chunk list of 256 MiB of random data, one thread each.
/// The set-up first checks the prototype's digests against SHA256.HashData.
/// </summary>
[Config(typeof(ChunkingBenchmarkConfig))]
public class MultiBufferSha256Benchmarks
{
    private const int Size = (int)ChunkingBenchmarkConfig.BytesPerOperation;
    private byte[] _data = [];
    private (int Offset, int Length)[] _chunks = [];
    private byte[] _hashes = [];

    [GlobalSetup]
    public void Setup()
    {
        if (!MultiBufferSha256.IsSupported)
        {
            throw new PlatformNotSupportedException("the prototype needs AVX2");
        }

        _data = new byte[Size];
        new Random(256).NextBytes(_data);
        _chunks = ChunkSpans.Of(_data);

        _hashes = new byte[_chunks.Length * 32];
        Check(_chunks);
        var edges = Enumerable.Range(0, 300).Select(length => (Offset: 1000 + length, Length: length)).ToArray();
        Check(edges);
    }

    [Benchmark(Baseline = true, Description = "SHA-256 (SHA-NI, OpenSSL) chunks, 1 thread")]
    public byte ShaExtensions() => CpuMeter.Measure("SHA-256 (SHA-NI, OpenSSL) chunks, 1 thread", () =>
    {
        for (var i = 0; i < _chunks.Length; i++)
        {
            SHA256.HashData(_data.AsSpan(_chunks[i].Offset, _chunks[i].Length), _hashes.AsSpan(i * 32, 32));
        }

        return _hashes[0];
    });

    [Benchmark(Description = "SHA-256 8 lanes AVX2 chunks, 1 thread")]
    public byte EightLanes() => CpuMeter.Measure("SHA-256 8 lanes AVX2 chunks, 1 thread", () =>
    {
        MultiBufferSha256.HashChunks(_data, _chunks, _hashes);
        return _hashes[0];
    });

    private void Check((int Offset, int Length)[] chunks)
    {
        var hashes = new byte[chunks.Length * 32];
        MultiBufferSha256.HashChunks(_data, chunks, hashes);
        for (var i = 0; i < chunks.Length; i++)
        {
            var expected = SHA256.HashData(_data.AsSpan(chunks[i].Offset, chunks[i].Length));
            if (!expected.AsSpan().SequenceEqual(hashes.AsSpan(i * 32, 32)))
            {
                throw new InvalidOperationException($"8-lane digest of chunk {i} (length {chunks[i].Length}) differs from SHA256.HashData");
            }
        }
    }
}
