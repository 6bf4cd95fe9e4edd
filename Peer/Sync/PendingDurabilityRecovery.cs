using Mesh.Peer.Files;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Proto;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Sync;

/// <summary>
/// At start-up, before anything scans the folder, checks every pulled file that was renamed in and
/// recorded but not yet known to be durable (<see cref="PendingDurability"/>): a crash of the machine may
/// have left it torn, or taken back its rename. What is found decides:
/// <list type="bullet">
/// <item>the name holds the inode renamed in, with the recorded content → the row is cleared;</item>
/// <item>it holds that inode torn, short or different, or the rename did not survive, or the name is
/// gone → the old version comes back from its rollback link (or stays, if the rename was lost) and the
/// old record is committed again with a new sequence, so peers learn it and the file is pulled again; a
/// new file without an old version is removed and its record dropped;</item>
/// <item>the name holds another file → a user put it there after the pull: it is kept, the row dropped,
/// and the scan records it;</item>
/// <item>the index no longer records the version renamed in → something later superseded it; the row is
/// dropped and the scan decides.</item>
/// </list>
/// A torn file whose old version cannot be found is set aside in the rollback directory, never deleted.
/// </summary>
internal static class PendingDurabilityRecovery
{
    /// <summary>
    /// Checks every pending row of <paramref name="folder"/>; returns how many pulls were undone. A file
    /// written after the pull (its mtime is no longer the one the pull set) is never discarded: it is kept
    /// under a conflict name made from <paramref name="time"/> and <paramref name="localDevice"/>.
    /// </summary>
    public static int Recover(SyncFolder folder, IndexStore store, TimeProvider time, ulong localDevice, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(store);
        var undone = 0;
        foreach (var pending in store.GetPendingDurability(folder.Id))
        {
            try
            {
                if (RecoverOne(folder, store, time, localDevice, logger, pending))
                {
                    undone++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The row stays: the next start tries again. Nothing was removed that is not still reachable.
                logger.LogError("Folder {Folder}: could not check {Name}, pulled before the last stop: {Reason}", folder.Id, pending.Name, ex.Message);
            }
        }

        return undone;
    }

    private static bool RecoverOne(SyncFolder folder, IndexStore store, TimeProvider time, ulong localDevice, ILogger logger, PendingDurability pending)
    {
        var fs = folder.FileSystem;
        var path = folder.PathOf(pending.Name);
        var rollbackPath = pending.Rollback is null ? null : RollbackLinks.PathOf(folder, pending.Rollback);
        var record = store.GetLocal(folder.Id, pending.Name);
        if (record?.Entry is not { Deleted: false, Type: FileType.File, Manifest: { } manifest } || !manifest.FileHash.Span.SequenceEqual(pending.FileHash))
        {
            logger.LogInformation("Folder {Folder}: {Name} was recorded again after its pull; the pull's durability check is dropped", folder.Id, pending.Name);
            Drop(folder, store, pending, rollbackPath);
            return false;
        }

        var stat = folder.CheckParents(pending.Name) is null ? fs.Stat(path) : null;
        var ours = stat is { Kind: FileKind.File } && stat.Value.Inode == pending.Inode;
        var old = pending.OldEntry is { Deleted: false } && pending.OldInode != 0 && stat is { Kind: FileKind.File } && stat.Value.Inode == pending.OldInode;
        if (ours && stat!.Value.Size == pending.Size && Holds(fs, path, manifest))
        {
            Drop(folder, store, pending, rollbackPath);
            return false;
        }

        if (stat is not null && !ours && !old)
        {
            logger.LogWarning("Folder {Folder}: {Name} was replaced after it was pulled; the file there is kept for the scan", folder.Id, pending.Name);
            Drop(folder, store, pending, rollbackPath);
            return false;
        }

        // Torn, short or different; or the rename was lost (the old file is still at the name); or gone.
        var directory = Path.GetDirectoryName(path)!;
        if (ours && stat!.Value.ModifiedNs != pending.ModifiedNs)
        {
            // Not torn by the stop but written since (a torn file keeps the mtime the pull gave it): the
            // writer's bytes are kept beside the old version, for the scan to record.
            var copy = ConflictName.For(pending.Name, time.GetUtcNow(), DeviceId.ShortOf(localDevice));
            fs.Rename(path, folder.PathOf(copy));
            DirectoryFlush.Flush(directory);
            logger.LogWarning("Folder {Folder}: {Name} was written after its pull and before its data was durable; kept as {Copy}", folder.Id, pending.Name, copy);
            stat = null;
            ours = false;
        }

        if (pending.OldEntry is { Deleted: false })
        {
            if (old)
            {
                DeleteIfPresent(fs, rollbackPath);
                store.RollBackPendingDurability(folder.Id, pending, forget: false);
                logger.LogWarning("Folder {Folder}: the pull of {Name} did not reach the disk before the stop; the old version is still there and will be pulled again", folder.Id, pending.Name);
                return true;
            }

            if (rollbackPath is not null && fs.Stat(rollbackPath) is { Kind: FileKind.File } kept && kept.Inode == pending.OldInode)
            {
                fs.CreateDirectory(directory);
                fs.Rename(rollbackPath, path);
                DirectoryFlush.Flush(directory);
                store.RollBackPendingDurability(folder.Id, pending, forget: false);
                logger.LogWarning("Folder {Folder}: {Name} was torn by the stop before its pulled data was durable; the old version is back and the file will be pulled again", folder.Id, pending.Name);
                return true;
            }

            // The old version is gone: what is at the name is set aside, not deleted, and the name's
            // record is dropped so that the scan announces no delete and the pull runs again.
            if (ours)
            {
                var aside = RollbackLinks.PathOf(folder, RollbackLinks.NameFor(pending.Name, pending.Inode) + RollbackLinks.TornExtension);
                fs.CreateDirectory(RollbackLinks.DirectoryOf(folder));
                fs.Rename(path, aside);
                DirectoryFlush.Flush(directory);
                logger.LogError("Folder {Folder}: {Name} was torn by the stop and its old version is missing; the torn file is kept as {Aside} and the file will be pulled again", folder.Id, pending.Name, aside);
            }

            store.RollBackPendingDurability(folder.Id, pending, forget: true);
            return true;
        }

        // A new name (or one deleted here before): the torn file is the peer's data, which is pulled again.
        if (ours)
        {
            fs.DeleteFile(path);
            DirectoryFlush.Flush(directory);
        }

        store.RollBackPendingDurability(folder.Id, pending, forget: false);
        logger.LogWarning("Folder {Folder}: {Name} was torn by the stop before its pulled data was durable; it was removed and will be pulled again", folder.Id, pending.Name);
        return true;
    }

    private static bool Holds(IFileSystem fs, string path, FileManifest manifest)
    {
        using var handle = fs.OpenRead(path);
        return PatchJournalRecovery.MatchesManifest(handle, manifest);
    }

    private static void Drop(SyncFolder folder, IndexStore store, PendingDurability pending, string? rollbackPath)
    {
        store.DropPendingDurability(folder.Id, pending.Name);
        DeleteIfPresent(folder.FileSystem, rollbackPath);
    }

    private static void DeleteIfPresent(IFileSystem fs, string? path)
    {
        if (path is not null && fs.Stat(path) is not null)
        {
            fs.DeleteFile(path);
        }
    }
}
