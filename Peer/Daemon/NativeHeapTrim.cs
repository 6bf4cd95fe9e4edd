using System.Runtime.InteropServices;

namespace Mesh.Peer.Daemon;

/// <summary>
/// Hands free pages of the C library's heap back to the system (glibc's <c>malloc_trim</c>). SQLite's
/// page caches, zstd and OpenSSL allocate through malloc from several arenas, and glibc keeps what they
/// free in those arenas: after a burst it stays in the process's RSS although nothing uses it.
/// </summary>
internal static partial class NativeHeapTrim
{
    private static int s_unavailable;

    /// <summary>Trims once; does nothing where there is no glibc (another libc, another system).</summary>
    public static void Run()
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref s_unavailable) != 0)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            Volatile.Write(ref s_unavailable, 1);
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
