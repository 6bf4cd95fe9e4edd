using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Mesh.Benchmarks.Stun;

/// <summary>
/// A short in-process job: the build machine is shared, so few iterations (read the median); in-process
/// because the generated-project toolchain looks for an assembly named like its project.
/// </summary>
public sealed class StunBenchmarkConfig : ManualConfig
{
    public StunBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(7));
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median);
    }
}
