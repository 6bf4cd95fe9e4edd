using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Files;

/// <summary>
/// The file operations the engine uses, on absolute paths. One seam, so tests can inject failures
/// (a full disk, a file that changes while read) and other platforms can be modelled.
/// </summary>
internal interface IFileSystem
{
    /// <summary>True when names differing only in case are different files.</summary>
    bool IsCaseSensitive { get; }

    /// <summary><c>lstat</c>: the entry itself, never a link's target; null when nothing is there.</summary>
    FileStat? Stat(string path);

    /// <summary>The names in a directory (not "." or "..").</summary>
    IEnumerable<string> List(string directory);

    /// <summary>Opens a file for reading, sequentially or at offsets.</summary>
    SafeFileHandle OpenRead(string path);

    /// <summary>Opens a file for writing at offsets, creating it when absent; never truncates.</summary>
    SafeFileHandle OpenWrite(string path);

    /// <summary>
    /// Opens an existing file a second time for direct I/O, which moves data between the caller's memory
    /// and the device without the page cache; null where the platform or the file system does not offer
    /// it. Every write through it must start at, and be as long as, a multiple of the device's direct I/O
    /// alignment, from memory aligned the same way (<see cref="AlignedBlockPool"/> gives page-aligned
    /// blocks); a write that is not gets an error and writes nothing.
    /// </summary>
    SafeFileHandle? OpenDirectWrite(string path);

    /// <summary>Sets a file's length.</summary>
    void SetLength(SafeFileHandle handle, long length);

    /// <summary>Flushes a file's data to stable storage.</summary>
    void Flush(SafeFileHandle handle);

    /// <summary>
    /// Flushes the data of all <paramref name="handles"/> to stable storage: when it returns, each file is
    /// as durable as <see cref="Flush"/> would have made it. May flush more than these files.
    /// </summary>
    void FlushAll(IReadOnlyList<SafeFileHandle> handles);

    /// <summary>Atomically renames, replacing a file at the destination.</summary>
    void Rename(string from, string to);

    /// <summary>
    /// Makes <paramref name="link"/> a second name of the file at <paramref name="existing"/> (a hard
    /// link); false when this file system has none, so the caller takes a path that needs none.
    /// </summary>
    /// <exception cref="IOException">The link could not be made for another reason.</exception>
    bool TryHardLink(string existing, string link) => false;

    /// <summary>
    /// Swaps the two names atomically (<c>renameat2(RENAME_EXCHANGE)</c>): each then names the other's
    /// file. False when the file system cannot, with nothing changed.
    /// </summary>
    /// <exception cref="IOException">The swap failed for another reason.</exception>
    bool TryExchange(string first, string second) => false;

    /// <summary>Deletes a file or symlink; nothing when absent.</summary>
    void DeleteFile(string path);

    /// <summary>Deletes an empty directory; false when it is not empty.</summary>
    bool DeleteEmptyDirectory(string path);

    /// <summary>Creates a directory and its parents.</summary>
    void CreateDirectory(string path);

    /// <summary>Sets the mtime, with nanosecond precision where the platform has it.</summary>
    void SetModified(string path, long modifiedNs);

    /// <summary>Sets the permission bits.</summary>
    void SetMode(string path, uint mode);

    /// <summary>The target of a symlink.</summary>
    string ReadLink(string path);

    /// <summary>Creates a symlink pointing at <paramref name="target"/> (not checked or followed).</summary>
    void CreateSymlink(string path, string target);
}
