using System.Runtime.InteropServices;

namespace Mesh.Peer.Daemon;

/// <summary>
/// Caps how many heaps (arenas) the C library's malloc keeps (glibc's <c>mallopt(M_ARENA_MAX)</c>).
/// By default glibc gives threads that contend for the heap arenas of their own, up to eight per core,
/// and memory that SQLite, zstd and OpenSSL freed in one arena is not reused by threads allocating in
/// another, so a daemon whose thread-pool threads all touch SQLite kept several partly empty arenas in
/// its RSS (docs/daemon.md, "Peak RSS (session 7)"). Set by the daemon itself at start-up, so that
/// it holds however `mesh run` is started (systemd unit, shell, benchmark).
/// </summary>
internal static partial class NativeHeapArenas
{
    /// <summary>Arenas the daemon allows: the main one and one more, for two cores' worth of threads.</summary>
    public const int DaemonArenas = 2;

    private const int MallocArenaMax = -8;

    /// <summary>
    /// Applies the cap; returns whether the C library took it (false on another libc or system, where
    /// nothing is changed).
    /// </summary>
    public static bool Limit(int arenas)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(arenas);
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallOpt(MallocArenaMax, arenas) == 1;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
