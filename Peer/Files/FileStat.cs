namespace Mesh.Peer.Files;

/// <summary>What the scanner compares to notice a change: kind, size, mtime, inode and permission bits.</summary>
/// <param name="Kind">File, directory, symlink or other.</param>
/// <param name="Size">Bytes (files only).</param>
/// <param name="ModifiedNs">mtime in nanoseconds since the Unix epoch.</param>
/// <param name="Inode">Inode number, or 0 where the platform does not say.</param>
/// <param name="Mode">Unix permission bits (0o7777 mask).</param>
internal readonly record struct FileStat(FileKind Kind, long Size, long ModifiedNs, ulong Inode, uint Mode)
{
    /// <summary>
    /// True when this is a regular file with the recorded size and mtime, and the recorded inode unless
    /// either side does not know it (0). The trust the scanner places in a file it does not reread.
    /// </summary>
    public bool IsFileAsRecorded(ulong size, long modifiedNs, ulong inode) =>
        Kind == FileKind.File && (ulong)Size == size && ModifiedNs == modifiedNs && (inode == 0 || Inode == 0 || Inode == inode);
}
