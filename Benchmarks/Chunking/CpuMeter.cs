using System.Collections.Concurrent;
using System.Diagnostics;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// Records the process CPU time each benchmark invocation used. The machine these suites run on is
/// shared (load far above its two cores), so wall time mostly measures the neighbours; CPU seconds
/// per byte is what the code itself costs.
/// </summary>
internal static class CpuMeter
{
    private static readonly ConcurrentDictionary<string, ConcurrentBag<double>> Samples = new();

    /// <summary>Runs <paramref name="work"/> and records its process CPU seconds under <paramref name="name"/>.</summary>
    public static T Measure<T>(string name, Func<T> work)
    {
        using var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var result = work();
        process.Refresh();
        Samples.GetOrAdd(name, _ => []).Add((process.TotalProcessorTime - before).TotalSeconds);
        return result;
    }

    /// <summary>Median CPU seconds recorded under <paramref name="name"/>, or null if none.</summary>
    public static double? Median(string name)
    {
        if (!Samples.TryGetValue(name, out var bag) || bag.IsEmpty)
        {
            return null;
        }

        var sorted = bag.OrderBy(s => s).ToArray();
        return sorted[sorted.Length / 2];
    }
}
