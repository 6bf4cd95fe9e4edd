using System.Diagnostics;
using System.Globalization;

namespace Mesh.Benchmarks.Sync;

/// <summary>One measured scenario: wall time, bytes over the link, and the process's peak resident memory.</summary>
internal sealed record ScenarioResult(string Name, TimeSpan Wall, long LinkBytes, long ChunkBytes)
{
    /// <summary>Peak resident set of this process so far (VmHWM), in bytes.</summary>
    public long PeakRss { get; } = ReadPeakRss();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Wall.TotalSeconds:F2} s, link {LinkBytes / 1048576.0:F2} MiB, chunk data {ChunkBytes / 1048576.0:F2} MiB, peak RSS {PeakRss / 1048576.0:F0} MiB");

    private static long ReadPeakRss()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null)
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }

        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
