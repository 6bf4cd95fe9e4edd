namespace Mesh.Benchmarks.Sync;

/// <summary>
/// Runs one scenario by name outside BenchmarkDotNet, in a fresh process, so the reported peak RSS
/// belongs to that scenario alone: <c>SyncScenarioRunner.RunAsync("small-files")</c>.
/// </summary>
internal static class SyncScenarioRunner
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(string scenario, string root) => scenario switch
    {
        "scan-small" => await SyncScenarios.ScanSmallFilesAsync(root, 100_000),
        "scan-large" => await SyncScenarios.ScanLargeFilesAsync(root, 1024L * 1024 * 1024),
        "mixed" => await SyncScenarios.SyncMixedAsync(root, 1024L * 1024 * 1024),
        "small-files" => await SyncScenarios.SyncSmallFilesAsync(root, 20_000),
        "small-files-tls" => await SyncScenarios.SyncSmallFilesOverTlsAsync(root, 20_000),
        "inserted-byte" => await SyncScenarios.SyncInsertedByteAsync(root, 512L * 1024 * 1024),
        _ => throw new ArgumentException($"unknown scenario '{scenario}'", nameof(scenario)),
    };
}
