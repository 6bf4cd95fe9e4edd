using Mesh.Peer.Files;
using Mesh.Proto;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Sync;

/// <summary>
/// Applies a <see cref="DirectoryMove"/> as one rename of the directory and one index transaction,
/// but only when the old directory on disk holds exactly what the index says (no unknown name, no
/// file changed since the last scan, nothing missing); otherwise the files are moved one by one.
/// </summary>
/// <remarks>
/// Crash safety: the parents of both names are fsynced before the records are committed, so the index
/// never describes a rename a power cut can take back. A crash between the rename and the commit leaves
/// the new directory on disk and the old one in the index; the next scan of the common parent sees the
/// old names vanish and the new ones appear with the same inodes, takes the manifests over without
/// reading, and the versions that result merge with the peer's as identical content.
/// </remarks>
internal sealed class DirectoryMover(SyncEngine engine, SyncFolder folder, ILogger logger)
{
    /// <summary>How a move ended.</summary>
    public enum Outcome
    {
        /// <summary>Renamed and recorded.</summary>
        Moved,

        /// <summary>Nothing was touched; move the files one by one.</summary>
        NotApplied,

        /// <summary>Renamed on disk but not recorded; a rescan has been queued to record it.</summary>
        RenamedNotRecorded,
    }

    private IFileSystem Fs => folder.FileSystem;

    /// <summary>
    /// Applies every directory rename in a pass's needs that the disk allows, reporting each need it
    /// satisfies to <paramref name="completed"/>. False when a directory was renamed but not recorded:
    /// the pass should stop until the queued rescan has recorded it, rather than fetch its files again.
    /// </summary>
    public async Task<bool> ApplyAllAsync(IReadOnlyList<Need> needs, Action<Need> completed, CancellationToken ct)
    {
        foreach (var move in DirectoryMove.Find(needs))
        {
            Outcome outcome;
            await folder.Gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                outcome = TryApply(move);
            }
            finally
            {
                folder.Gate.Release();
            }

            if (outcome == Outcome.RenamedNotRecorded)
            {
                return false;
            }

            if (outcome == Outcome.Moved)
            {
                foreach (var need in move.Needs)
                {
                    completed(need);
                }
            }
        }

        return true;
    }

    /// <summary>Moves the directory if the disk allows it. Call with the folder's gate held.</summary>
    public Outcome TryApply(DirectoryMove move)
    {
        if (!Fs.IsCaseSensitive || OperatingSystem.IsWindows())
        {
            // Name claims (case collisions, reserved names) are made per file there.
            return Outcome.NotApplied;
        }

        var fromPath = folder.PathOf(move.From);
        var toPath = folder.PathOf(move.To);
        try
        {
            if (folder.CheckParents(move.From) is not null || folder.CheckParents(move.To) is not null ||
                Fs.Stat(toPath) is not null || !DiskMatches(move))
            {
                return Outcome.NotApplied;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogDebug("Folder {Folder}: {From} not moved as a whole: {Reason}", folder.Id, move.From, ex.Message);
            return Outcome.NotApplied;
        }

        // Noted before the rename, not after the commit: the watcher's debounce can end while the records
        // below are still being written (a second under load), and its rescan would then wait on the
        // folder gate and walk the whole new directory once the gate is free.
        folder.PullerMoves.Add(move.From, move.To);
        try
        {
            Fs.Rename(fromPath, toPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            folder.PullerMoves.TryTake(move.From, move.To);
            logger.LogDebug("Folder {Folder}: {From} could not be renamed to {To}: {Reason}", folder.Id, move.From, move.To, ex.Message);
            return Outcome.NotApplied;
        }

        try
        {
            var records = new List<(FileEntry Entry, ulong Inode)>((move.Members.Count * 2) + 2);
            var directoryInode = move.Source.Local!.Inode;
            MatchMetadata(toPath, move.Source.Local.Entry, move.Target.Entry);
            records.Add((WithVersion(move.Target), directoryInode));
            foreach (var (delete, add) in move.Members)
            {
                MatchMetadata(folder.PathOf(add.Entry.Name), delete.Local!.Entry, add.Entry);
                records.Add((WithVersion(add), delete.Local.Inode));
            }

            // The record may only describe what a power cut cannot take back: the rename in both parents.
            var fromParent = Path.GetDirectoryName(fromPath)!;
            var toParent = Path.GetDirectoryName(toPath)!;
            DirectoryFlush.Flush(toParent);
            if (!string.Equals(fromParent, toParent, StringComparison.Ordinal))
            {
                DirectoryFlush.Flush(fromParent);
            }

            foreach (var (delete, _) in move.Members)
            {
                records.Add((WithVersion(delete), 0UL));
            }

            records.Add((WithVersion(move.Source), 0UL));
            var renamedFrom = move.Members.ToDictionary(m => m.Add.Entry.Name, m => m.Delete.Entry.Name, StringComparer.Ordinal);
            engine.Store.CommitLocal(folder.Id, records, renamedFrom);
            folder.LocalChanged.Notify();
            logger.LogDebug("Folder {Folder}: {From} renamed to {To} with {Count} entries, nothing transferred", folder.Id, move.From, move.To, move.Members.Count);
            return Outcome.Moved;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Both names in one scan, so the scanner sees a rename and reads nothing again.
            folder.PullerMoves.TryTake(move.From, move.To);
            logger.LogWarning("Folder {Folder}: {From} was renamed to {To} but could not be recorded ({Reason}); rescanning", folder.Id, move.From, move.To, ex.Message);
            engine.RequestScan(folder.Id, RelativeNames.CommonParent(move.From, move.To));
            return Outcome.RenamedNotRecorded;
        }
    }

    // Everything below the old directory on disk is exactly the plan's local entries, unchanged.
    private bool DiskMatches(DirectoryMove move)
    {
        if (Fs.Stat(folder.PathOf(move.From)) is not { Kind: FileKind.Directory })
        {
            return false;
        }

        var expected = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
        var inodes = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (delete, _) in move.Members)
        {
            expected[delete.Entry.Name] = delete.Local!.Entry;
            inodes[delete.Entry.Name] = delete.Local.Inode;
        }

        var seen = 0;
        var pending = new Stack<string>();
        pending.Push(move.From);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var child in Fs.List(folder.PathOf(directory)))
            {
                var name = directory + "/" + child;
                if (!expected.TryGetValue(name, out var entry) || Fs.Stat(folder.PathOf(name)) is not { } stat ||
                    !Matches(stat, entry, inodes[name], name))
                {
                    // An unknown name (new, ignored, a temporary file) or a change not scanned yet.
                    return false;
                }

                seen++;
                if (stat.Kind == FileKind.Directory)
                {
                    pending.Push(name);
                }
            }
        }

        // Fewer on disk than in the index: a local delete not scanned yet.
        return seen == expected.Count;
    }

    private bool Matches(FileStat stat, FileEntry entry, ulong inode, string name) => entry.Type switch
    {
        FileType.Directory => stat.Kind == FileKind.Directory,
        FileType.Symlink => stat.Kind == FileKind.Symlink && string.Equals(Fs.ReadLink(folder.PathOf(name)), entry.SymlinkTarget, StringComparison.Ordinal),
        _ => stat.IsFileAsRecorded(entry.Size, entry.ModifiedNs, inode),
    };

    private void MatchMetadata(string path, FileEntry local, FileEntry wanted)
    {
        if (wanted.Type == FileType.Symlink)
        {
            return;
        }

        if (local.Mode != wanted.Mode)
        {
            Fs.SetMode(path, wanted.Mode);
        }

        if (wanted.Type == FileType.File && local.ModifiedNs != wanted.ModifiedNs)
        {
            Fs.SetModified(path, wanted.ModifiedNs);
        }
    }

    private static FileEntry WithVersion(Need need)
    {
        var copy = need.Entry.Clone();
        copy.Version = need.Version.ToProto();
        return copy;
    }
}
