using Mesh.Proto;

namespace Mesh.Peer.Index;

/// <summary>
/// A pulled file that was renamed into place and recorded before its data was known to be on the disk
/// (deferred durability, docs/sync.md "Deferred durability, session 7"). The row is written in the same
/// transaction as the new record and deleted once a durability barrier has flushed the file; one that is
/// still there at start-up says the file may be torn, and what to put back if it is.
/// </summary>
/// <param name="Name">The file's name in the folder.</param>
/// <param name="Inode">The inode that was renamed in.</param>
/// <param name="Size">Its size.</param>
/// <param name="ModifiedNs">Its mtime.</param>
/// <param name="FileHash">The whole-file hash of the version renamed in.</param>
/// <param name="Rollback">The file name, in the folder's rollback directory, of a second link to the version it replaced; null when there was none.</param>
/// <param name="OldInode">The inode of the replaced version; 0 when there was none.</param>
/// <param name="OldEntry">The local record before the pull (a live file, or a delete); null when there was none.</param>
internal sealed record PendingDurability(string Name, ulong Inode, long Size, long ModifiedNs, byte[] FileHash, string? Rollback, ulong OldInode, FileEntry? OldEntry);
