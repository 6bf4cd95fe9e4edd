using Mesh.Peer.Files;
using Mesh.Peer.Index;
using Mesh.Proto;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Sync;

/// <summary>
/// The puller's commit of a large pulled file without waiting for its data to reach the disk
/// (docs/sync.md, "Deferred durability, session 7"): the replaced version is kept reachable, the record
/// and a pending-durability row are committed durably, the names are swapped, and the
/// <see cref="DurabilityBarrier"/> flushes the file afterwards.
/// </summary>
internal sealed partial class FolderPuller
{
    // Conflicts keep the old way (the losing version becomes a conflict copy, nothing to roll back to),
    // as does a name whose previous pull is not yet durable (its rollback link must stay the durable
    // version), and a name that is not a plain file here.
    private bool CanDeferDurability(Need need) =>
        OperatingSystem.IsLinux() && !need.Conflict && !Durability.IsPending(need.Entry.Name) &&
        need.Local is null or { Entry.Deleted: true } or { Entry.Type: FileType.File };

    private async Task<bool> CommitDeferredAsync(Need need, string temp, string path, SafeFileHandle handle, CancellationToken ct)
    {
        var name = need.Entry.Name;
        var handedOver = false;
        await _folder.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Last look before replacing, as on the flushed path.
            if (ChangedLocallyDuringPull(need))
            {
                return false;
            }

            var started = _engine.Time.GetTimestamp();
            if (!TryCommitDeferred(need, temp, path, handle))
            {
                // No hard links here: the data is made durable before the rename, as without deferral.
                Fs.Flush(handle);
                Fs.Rename(temp, path);
                var inode = Fs.Stat(path)?.Inode ?? 0;
                DirectoryFlush.Flush(Path.GetDirectoryName(path)!);
                Commit(WithVersion(need.Entry, need.Version), inode);
                _logger.LogDebug("Folder {Folder}: {Name} renamed into place and committed", _folder.Id, name);
                return true;
            }

            handedOver = true;
            _logger.LogDebug("Folder {Folder}: {Name} renamed into place and committed in {Milliseconds:F1} ms, its data made durable after",
                _folder.Id, name, _engine.Time.GetElapsedTime(started).TotalMilliseconds);
            return true;
        }
        finally
        {
            _folder.Gate.Release();
            if (!handedOver)
            {
                handle.Dispose();
            }
        }
    }

    // Under the gate, after the last look. False when nothing was done because this file system cannot
    // keep the old version by a hard link; true when the file is in place, recorded and handed to the
    // barrier.
    private bool TryCommitDeferred(Need need, string temp, string path, SafeFileHandle handle)
    {
        var name = need.Entry.Name;
        var directory = Path.GetDirectoryName(path)!;
        var old = need.Local is { Entry: { Deleted: false, Type: FileType.File } } ? Fs.Stat(path) : null;
        string? rollback = null;
        if (old is { } oldStat)
        {
            // The old version stays reachable until the new one is durable: a second link to it, itself
            // durable before anything is replaced.
            var rollbackDirectory = RollbackLinks.DirectoryOf(_folder);
            Fs.CreateDirectory(rollbackDirectory);
            rollback = RollbackLinks.NameFor(name, oldStat.Inode);
            var link = RollbackLinks.PathOf(_folder, rollback);
            if (Fs.Stat(link) is not null)
            {
                Fs.DeleteFile(link);
            }

            if (!Fs.TryHardLink(path, link))
            {
                return false;
            }

            DirectoryFlush.Flush(rollbackDirectory);
        }

        var renamedIn = Fs.Stat(temp) ?? throw new PullException("the assembled file disappeared before its commit");
        var entry = WithVersion(need.Entry, need.Version);
        var pending = new PendingDurability(name, renamedIn.Inode, renamedIn.Size, renamedIn.ModifiedNs, entry.Manifest.FileHash.ToByteArray(),
            rollback, old?.Inode ?? 0, need.Local?.Entry);

        // Durable before the names change: if the swap reaches the disk and the data does not, the next
        // start finds this row. If the swap does not, the row finds the old file in place.
        _engine.Store.CommitLocalPendingDurability(_folder.Id, entry, renamedIn.Inode, pending);
        try
        {
            if (rollback is null)
            {
                // Nothing at the name (the last look said so), so this rename replaces nothing.
                Fs.Rename(temp, path);
            }
            else if (!Fs.TryExchange(temp, path))
            {
                // A rename over a file: on ext4 it writes the new data itself, so it is flushed first.
                Fs.Flush(handle);
                Fs.Rename(temp, path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing was replaced: the record before the pull goes back (a new sequence; peers learn it again).
            _engine.Store.RollBackPendingDurability(_folder.Id, pending, forget: false);
            if (rollback is not null)
            {
                Fs.DeleteFile(RollbackLinks.PathOf(_folder, rollback));
            }

            _folder.LocalChanged.Notify();
            throw;
        }

        if (rollback is not null && Fs.Stat(temp) is not null)
        {
            // After the swap the temporary name holds the old version, which the rollback link keeps.
            try
            {
                Fs.DeleteFile(temp);
            }
            catch (IOException ex)
            {
                _logger.LogDebug("Folder {Folder}: could not remove the swapped-out old version of {Name}: {Reason}", _folder.Id, name, ex.Message);
            }
        }

        _folder.LocalChanged.Notify();
        Durability.Add(name, renamedIn.Inode, handle, directory);
        return true;
    }
}
