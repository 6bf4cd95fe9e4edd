using System.Text.Json;

namespace Mesh.Peer.Tests.Daemon;

public sealed class DaemonGcSettingsTests
{
    [Fact]
    public void The_daemon_collects_as_if_memory_were_short()
    {
        // The build copies mesh's runtime settings beside the tests; the Native AOT publish compiles the
        // same items into the binary (docs/daemon.md, "Memory, session 8").
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mesh.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Equal(1, properties.GetProperty("System.GC.HighMemoryPercent").GetInt32());
        Assert.Equal(9, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
    }

    [Fact]
    public void Idle_thread_pool_workers_sleep_without_spinning()
    {
        // Compiled into the Native AOT binary like the GC settings; spinning workers took the CPU from the
        // busy threads of a bulk transfer (docs/daemon.md, "Thread-pool spinning, session 9").
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mesh.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
