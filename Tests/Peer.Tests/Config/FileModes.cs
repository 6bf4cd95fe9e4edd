namespace Mesh.Peer.Tests.Config;

/// <summary>Unix permission bits of a path; these tests run on Unix only, where owner-only modes mean something.</summary>
internal static class FileModes
{
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static UnixFileMode Of(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("Unix modes only") : File.GetUnixFileMode(path);
}
