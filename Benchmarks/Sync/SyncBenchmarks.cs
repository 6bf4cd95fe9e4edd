using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Mesh.Benchmarks.Sync;

/// <summary>
/// The sync engine's scenarios under BenchmarkDotNet: each runs once per iteration on freshly
/// generated data (the setup is not timed by BenchmarkDotNet, but the scenario prints its own wall
/// time, bytes over the link and peak RSS, which are the figures docs/sync.md reports). Run one at a
/// time, e.g. <c>--filter '*SyncBenchmarks.SmallFiles*'</c>.
/// </summary>
[Config(typeof(OnceConfig))]
public class SyncBenchmarks
{
    private string _root = string.Empty;

    [IterationSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "mesh-sync-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
    }

    [IterationCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark]
    public Task ScanSmallFiles() => Report(SyncScenarios.ScanSmallFilesAsync(_root, 100_000));

    [Benchmark]
    public Task ScanLargeFiles() => Report(SyncScenarios.ScanLargeFilesAsync(_root, 1024L * 1024 * 1024));

    [Benchmark]
    public Task SyncMixed() => Report(SyncScenarios.SyncMixedAsync(_root, 1024L * 1024 * 1024));

    [Benchmark]
    public Task SmallFiles() => Report(SyncScenarios.SyncSmallFilesAsync(_root, 20_000));

    [Benchmark]
    public Task SmallFilesTls() => Report(SyncScenarios.SyncSmallFilesOverTlsAsync(_root, 20_000));

    [Benchmark]
    public Task InsertedByte() => Report(SyncScenarios.SyncInsertedByteAsync(_root, 512L * 1024 * 1024));

    private static async Task Report(Task<IReadOnlyList<ScenarioResult>> scenario)
    {
        foreach (var result in await scenario)
        {
            Console.WriteLine("SYNC-BENCH " + result);
        }
    }

    private sealed class OnceConfig : ManualConfig
    {
        public OnceConfig() =>
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(0)
                .WithIterationCount(1));
    }
}
