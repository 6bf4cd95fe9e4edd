using System.Text.RegularExpressions;
using Mesh.Peer.Daemon;

namespace Mesh.Peer.Tests.Daemon;

public sealed class MemoryUseTests
{
    [SkippableFact]
    public void The_memory_line_splits_resident_pages_and_gives_the_gc_heap()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads /proc/self/status");

        var line = MemoryUse.Describe();

        var match = Regex.Match(line, @"^rss (\d+\.\d) MiB \(anon (\d+\.\d), file (\d+\.\d)\); gc heap (\d+\.\d) MiB");
        Assert.True(match.Success, line);
        Assert.True(double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, line);
        Assert.True(double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, line);
    }
}
