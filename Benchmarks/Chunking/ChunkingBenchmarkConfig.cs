using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// A short job run inside the host process, with CPU-time columns. The machine is shared, so few
/// iterations (read the medians); in-process because the generated-project toolchain cannot find an
/// assembly named differently from its project, and because <see cref="CpuMeter"/> keeps its samples
/// in this process.
/// </summary>
public sealed class ChunkingBenchmarkConfig : ManualConfig
{
    /// <summary>Bytes every benchmark of the suite processes per operation.</summary>
    public const long BytesPerOperation = 256L * 1024 * 1024;

    public ChunkingBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(7));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
        AddColumn(new CpuColumn("CPU s/op", BytesPerOperation, asThroughput: false), new CpuColumn("GB/CPU-s", BytesPerOperation, asThroughput: true));
    }
}
