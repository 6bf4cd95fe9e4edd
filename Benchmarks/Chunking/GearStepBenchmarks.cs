using BenchmarkDotNet.Attributes;
using Mesh.Chunking;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// The product's one-byte Gear scan against the exact two- and four-byte step forms and the
/// two-chain form of <see cref="GearStepVariants"/>, chunking the same 256 MiB of random data as
/// <see cref="ChunkingBenchmarks"/> ("chunk, 1 thread"). Compare the CPU s/op column on a busy
/// machine; the wall columns only on a quiet one.
/// </summary>
[Config(typeof(ChunkingBenchmarkConfig))]
public unsafe class GearStepBenchmarks
{
    private byte[] _data = [];

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[(int)ChunkingBenchmarkConfig.BytesPerOperation];
        new Random(256).NextBytes(_data);
        var expected = Chunker.ChunkLengths(_data, ChunkerParameters.Default);
        if (!expected.SequenceEqual(GearStepVariants.ChunkLengths(_data, ChunkerParameters.Default, GearStepVariants.PairSteps))
            || !expected.SequenceEqual(GearStepVariants.ChunkLengths(_data, ChunkerParameters.Default, GearStepVariants.FourSteps))
            || !expected.SequenceEqual(GearStepVariants.ChunkLengths(_data, ChunkerParameters.Default, GearStepVariants.TwoChains)))
        {
            throw new InvalidOperationException("a step variant cuts elsewhere than Chunker");
        }
    }

    [Benchmark(Baseline = true, Description = "product, one byte per step")]
    public int OneByte() => CpuMeter.Measure("product, one byte per step", () => Chunker.ChunkLengths(_data, ChunkerParameters.Default).Count);

    [Benchmark(Description = "two bytes per step")]
    public int TwoBytes() => CpuMeter.Measure("two bytes per step", () => GearStepVariants.ChunkLengths(_data, ChunkerParameters.Default, GearStepVariants.PairSteps).Count);

    [Benchmark(Description = "two chains, one byte each per step")]
    public int TwoChains() => CpuMeter.Measure("two chains, one byte each per step", () => GearStepVariants.ChunkLengths(_data, ChunkerParameters.Default, GearStepVariants.TwoChains).Count);

    [Benchmark(Description = "four bytes per step")]
    public int FourBytes() => CpuMeter.Measure("four bytes per step", () => GearStepVariants.ChunkLengths(_data, ChunkerParameters.Default, GearStepVariants.FourSteps).Count);
}
