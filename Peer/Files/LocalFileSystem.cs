using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Files;

/// <summary>
/// The real file system. On Linux it reads inode, mode and nanosecond mtimes with <c>statx</c>
/// (whose layout is the same on every architecture) and sets mtimes with <c>utimensat</c>;
/// elsewhere it falls back to what <see cref="System.IO.FileSystemInfo"/> offers.
/// </summary>
internal sealed partial class LocalFileSystem : IFileSystem
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;
    private const int AtEmptyPath = 0x1000;
    private const int StatxDevMajor = 136;
    private const int StatxDevMinor = 140;
    private const int Enoent = 2;
    private const int Enotdir = 20;
    private const int FcntlGetFlags = 3;
    private const int FcntlSetFlags = 4;
    private const int Eperm = 1;
    private const int Exdev = 18;
    private const int Einval = 22;
    private const int Enosys = 38;
    private const int Enotsup = 95;
    private const uint RenameExchange = 2;

    private static readonly bool UseStatx = OperatingSystem.IsLinux();

    /// <summary>A file system that treats names as case sensitive unless told otherwise.</summary>
    public LocalFileSystem(bool caseSensitive = true) => IsCaseSensitive = caseSensitive;

    /// <inheritdoc />
    public bool IsCaseSensitive { get; }

    /// <inheritdoc />
    public FileStat? Stat(string path) => UseStatx ? StatLinux(path) : StatPortable(path);

    /// <inheritdoc />
    public IEnumerable<string> List(string directory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        return Directory.EnumerateFileSystemEntries(directory, "*", options).Select(Path.GetFileName)!;
    }

    /// <inheritdoc />
    public SafeFileHandle OpenRead(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <inheritdoc />
    public SafeFileHandle OpenWrite(string path) =>
        File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);

    /// <inheritdoc />
    /// <remarks>
    /// Linux only: a second open file description with <c>O_DIRECT</c> set through <c>fcntl</c>, so the
    /// caller's buffered handle keeps reading and copying through the page cache. Null when the file
    /// system refuses the flag (<c>EINVAL</c>) or the architecture's value of the flag is not known here.
    /// </remarks>
    public SafeFileHandle? OpenDirectWrite(string path)
    {
        if (!UseStatx || DirectFlag() is not { } direct)
        {
            return null;
        }

        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var added = false;
        var ok = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            var flags = Fcntl(fd, FcntlGetFlags, 0);
            ok = flags >= 0 && Fcntl(fd, FcntlSetFlags, flags | direct) == 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        if (ok)
        {
            return handle;
        }

        handle.Dispose();
        return null;
    }

    // O_DIRECT differs between architectures (asm-generic and x86 use 040000, arm and arm64 0200000).
    private static int? DirectFlag() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => null,
    };

    /// <inheritdoc />
    public void SetLength(SafeFileHandle handle, long length) => RandomAccess.SetLength(handle, length);

    /// <inheritdoc />
    public void Flush(SafeFileHandle handle) => RandomAccess.FlushToDisk(handle);

    /// <inheritdoc />
    /// <remarks>
    /// On Linux one <c>syncfs</c> per file system the files are on. An fsync per small file writes that
    /// file's inode block on its own — on ext4 without a journal, synchronously, once per file, although
    /// one block holds sixteen inodes — which made fsyncs the largest share of a receiver's CPU while
    /// pulling 20,000 small files; one syncfs writes each dirty block once. It also writes whatever else
    /// is dirty on that file system, which is why only batches of small files use it. Since Linux 5.8
    /// syncfs reports write-back errors.
    /// </remarks>
    public void FlushAll(IReadOnlyList<SafeFileHandle> handles)
    {
        if (!UseStatx)
        {
            foreach (var handle in handles)
            {
                Flush(handle);
            }

            return;
        }

        var synced = new HashSet<ulong>();
        foreach (var handle in handles)
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                var fd = (int)handle.DangerousGetHandle();
                if (DeviceOf(fd) is not { } device)
                {
                    Flush(handle);
                }
                else if (synced.Add(device) && SyncFs(fd) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    synced.Remove(device);
                    throw new IOException($"cannot flush the file system (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)})", errno);
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }
    }

    // The device (major, minor) of an open file, or null when statx cannot tell.
    private static ulong? DeviceOf(int fd)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(fd, string.Empty, AtEmptyPath, StatxBasicStats, ref buffer[0]) != 0)
        {
            return null;
        }

        return ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer[StatxDevMajor..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buffer[StatxDevMinor..]);
    }

    /// <inheritdoc />
    public void Rename(string from, string to)
    {
        if (Directory.Exists(from) && !File.GetAttributes(from).HasFlag(FileAttributes.ReparsePoint))
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to, overwrite: true);
        }
    }

    /// <inheritdoc />
    public bool TryHardLink(string existing, string link)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        if (Link(existing, link) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno is Eperm or Enotsup or Exdev)
        {
            return false;
        }

        throw new IOException($"cannot link {existing} as {link} (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)})", errno);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Linux only. Why not a rename over the target: ext4 (with its default <c>auto_da_alloc</c>) starts
    /// writing a file's delayed data inside a rename that replaces another file, so renaming a freshly
    /// copied 512 MiB file over its old version took 0.65 s on the benchmark VM, the whole write; swapping
    /// the names took under a millisecond and leaves the write to a later fsync.
    /// </remarks>
    public bool TryExchange(string first, string second)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        if (RenameAt2(AtFdCwd, first, AtFdCwd, second, RenameExchange) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno is Einval or Enosys or Enotsup)
        {
            return false;
        }

        throw new IOException($"cannot swap {first} and {second} (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)})", errno);
    }

    /// <inheritdoc />
    public void DeleteFile(string path) => File.Delete(path);

    /// <inheritdoc />
    public bool DeleteEmptyDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: false);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException) when (Directory.Exists(path))
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    /// <inheritdoc />
    public void SetModified(string path, long modifiedNs)
    {
        if (UseStatx)
        {
            Span<long> times = stackalloc long[4];
            times[0] = 0;
            times[1] = (1L << 30) - 2; // UTIME_OMIT: leave atime alone
            times[2] = Math.DivRem(modifiedNs, 1_000_000_000L, out var nanos);
            if (nanos < 0)
            {
                times[2]--;
                nanos += 1_000_000_000L;
            }

            times[3] = nanos;
            if (Utimensat(AtFdCwd, path, ref MemoryMarshal.GetReference(times), AtSymlinkNoFollow) != 0)
            {
                throw new IOException($"utimensat failed on {path}: errno {Marshal.GetLastPInvokeError()}");
            }

            return;
        }

        File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddTicks(modifiedNs / 100));
    }

    /// <inheritdoc />
    public void SetMode(string path, uint mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xfff));
        }
    }

    /// <inheritdoc />
    public string ReadLink(string path) => new FileInfo(path).LinkTarget ?? string.Empty;

    /// <inheritdoc />
    public void CreateSymlink(string path, string target) => File.CreateSymbolicLink(path, target);

    private static FileStat? StatLinux(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir)
            {
                return null;
            }

            throw new IOException($"statx failed on {path}: errno {errno}");
        }

        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]);
        var kind = (mode & 0xf000) switch
        {
            0x8000 => FileKind.File,
            0x4000 => FileKind.Directory,
            0xa000 => FileKind.Symlink,
            _ => FileKind.Other,
        };
        var inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]);
        var size = BinaryPrimitives.ReadInt64LittleEndian(buffer[40..]);
        var mtimeSeconds = BinaryPrimitives.ReadInt64LittleEndian(buffer[112..]);
        var mtimeNanos = BinaryPrimitives.ReadUInt32LittleEndian(buffer[120..]);
        return new FileStat(kind, kind == FileKind.File ? size : 0, (mtimeSeconds * 1_000_000_000L) + mtimeNanos, inode, (uint)(mode & 0xfff));
    }

    private static FileStat? StatPortable(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            info = new DirectoryInfo(path);
            if (!info.Exists)
            {
                return null;
            }
        }

        var kind = info.LinkTarget is not null ? FileKind.Symlink : info is DirectoryInfo ? FileKind.Directory : FileKind.File;
        var size = info is FileInfo file && kind == FileKind.File ? file.Length : 0;
        var mode = OperatingSystem.IsWindows() ? 0x1a4u : (uint)info.UnixFileMode;
        return new FileStat(kind, size, (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100, 0, mode);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int fromDirectory, string from, int toDirectory, string to, uint flags);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Utimensat(int dirfd, string path, ref long times, int flags);
}
