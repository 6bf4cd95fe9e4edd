using System.Globalization;

namespace Mesh.Peer.Daemon;

/// <summary>
/// One line about the process's memory for the debug log: resident pages split into anonymous and
/// file-backed (the index's memory map counts as file-backed) from <c>/proc/self/status</c>, and what
/// the garbage collector holds (heap, committed, fragmented) as of its last collection. The side-by-side
/// benchmark's peak RSS is read from the same file, so a log line can be lined up with it.
/// </summary>
internal static class MemoryUse
{
    private const double MiB = 1024 * 1024;

    /// <summary>The line, e.g. <c>rss 61.0 MiB (anon 30.2, file 30.8); gc heap 12.1 MiB, committed 20.0, fragmented 3.1, gen0 after last gc 0.4, collections 60/20/5</c>.</summary>
    public static string Describe()
    {
        var gc = GC.GetGCMemoryInfo();
        var (rss, anon, file) = ReadStatus();
        var gen0 = gc.GenerationInfo.Length > 0 ? gc.GenerationInfo[0].SizeAfterBytes : 0;
        return string.Format(
            CultureInfo.InvariantCulture,
            "rss {0:F1} MiB (anon {1:F1}, file {2:F1}); gc heap {3:F1} MiB, committed {4:F1}, fragmented {5:F1}, gen0 after last gc {6:F1}, collections {7}/{8}/{9}",
            rss / MiB, anon / MiB, file / MiB, gc.HeapSizeBytes / MiB, gc.TotalCommittedBytes / MiB, gc.FragmentedBytes / MiB, gen0 / MiB,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }

    private static (long Rss, long Anon, long File) ReadStatus()
    {
        long rss = 0, anon = 0, file = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anon = Kilobytes(line);
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = Kilobytes(line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or /proc is not mounted: the GC figures alone.
        }

        return (rss, anon, file);
    }

    private static long Kilobytes(string line)
    {
        var value = line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
        var space = value.IndexOf(' ');
        return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture) * 1024;
    }
}
