using Mesh.Peer.Files;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Scanning;

/// <summary>
/// Decides which queued rescans of a single path are worth running. Most come from the watcher, and
/// the puller's own work raises events too: every pulled file is renamed over its name. Those files
/// are recorded with the stat they have on disk, so rescanning them finds nothing, yet each rescan
/// took the folder lock and the index lock and woke the puller to plan again. After 20,000 small
/// files arrived, the receiver went on rescanning them one by one for tens of seconds, in the way
/// of the next pull.
/// </summary>
internal static class RescanFilter
{
    /// <summary>
    /// False when <paramref name="name"/> is a regular file that matches its index record in kind,
    /// size, mtime, inode and mode: the scanner would skip it unread, so the rescan can be skipped
    /// too. True for anything else (gone, new, changed, a directory whose children may have changed,
    /// a symlink whose target is not in the stat).
    /// </summary>
    public static bool IsNeeded(SyncFolder folder, IndexStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(store);
        if (folder.CheckParents(name) is not null)
        {
            return true;
        }

        FileStat? stat;
        try
        {
            stat = folder.FileSystem.Stat(folder.PathOf(name));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }

        if (stat is not { Kind: FileKind.File } s)
        {
            return true;
        }

        return store.GetLocal(folder.Id, name) is not { Entry: { Deleted: false, Type: FileType.File } entry } record ||
               !s.IsFileAsRecorded(entry.Size, entry.ModifiedNs, record.Inode) || entry.Mode != s.Mode;
    }
}
