using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// Many iterations of one short call each, in process. On a machine shared far beyond its cores an
/// iteration of a few milliseconds often runs undisturbed while one of a few hundred rarely does, so
/// the minimum of these is the closest this machine gets to a quiet-machine figure (read Min; the
/// mean and median still show the neighbours).
/// </summary>
public sealed class QuietSliceConfig : ManualConfig
{
    public QuietSliceConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(20)
            .WithIterationCount(300)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
        AddColumn(new ThroughputAtMinColumn());
    }
}
