using Mesh.Peer.Daemon;

namespace Mesh.Peer.Tests.Daemon;

public sealed class NativeHeapArenasTests
{
    [Fact]
    public void The_C_library_of_a_Linux_system_takes_the_arena_cap()
    {
        // glibc answers 1 when it accepted the option; elsewhere the call changes nothing and says so.
        Assert.Equal(OperatingSystem.IsLinux(), NativeHeapArenas.Limit(NativeHeapArenas.DaemonArenas));
    }

    [Fact]
    public void A_cap_of_no_arenas_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeHeapArenas.Limit(0));
    }
}
