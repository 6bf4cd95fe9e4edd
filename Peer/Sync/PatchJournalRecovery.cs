using Mesh.Chunking;
using Mesh.Peer.Files;
using Mesh.Peer.Index;
using Mesh.Proto;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Sync;

/// <summary>
/// Finishes in-place patches a crash cut short (<see cref="InPlacePatcher"/>), before anything scans the
/// folder. For each journal: when the index already records the new version, the patch was complete
/// (the file was fsynced before the commit) and the journal is dropped; when it records the old
/// version, the old bytes go back. Either way the file ends as one whole version that the index
/// describes; a journal that cannot be read is set aside and reported, and its file left alone.
/// </summary>
internal static class PatchJournalRecovery
{
    /// <summary>A journal that could not be read is renamed with this ending and kept for inspection.</summary>
    public const string UnreadableExtension = ".unreadable";

    /// <summary>Replays every journal of <paramref name="folder"/>; returns how many there were.</summary>
    public static int Recover(SyncFolder folder, IndexStore store, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(store);
        var directory = PatchJournal.DirectoryOf(folder);
        if (folder.FileSystem.Stat(directory) is not { Kind: FileKind.Directory })
        {
            return 0;
        }

        var count = 0;
        foreach (var file in folder.FileSystem.List(directory).Where(f => f.EndsWith(PatchJournal.Extension, StringComparison.Ordinal)).ToList())
        {
            count++;
            var path = Path.Combine(directory, file);
            try
            {
                RecoverOne(folder, store, logger, path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Kept: the next start tries again; the file's stat no longer matches its record while the
                // journal waits, but no scan runs before recovery, so nothing mixed is recorded.
                logger.LogError("Folder {Folder}: could not replay patch journal {Journal}: {Reason}", folder.Id, file, ex.Message);
            }
        }

        return count;
    }

    private static void RecoverOne(SyncFolder folder, IndexStore store, ILogger logger, string journalPath)
    {
        var fs = folder.FileSystem;
        if (PatchJournal.TryRead(journalPath, out var problem) is not { } journal)
        {
            // Journals are made durable before the file is touched, so one that is cut short was being
            // written when the patch stopped: the file still holds the old version.
            logger.LogWarning("Folder {Folder}: patch journal {Journal} is unreadable ({Problem}); set aside, the file it names is left as it is",
                folder.Id, Path.GetFileName(journalPath), problem);
            fs.Rename(journalPath, journalPath + UnreadableExtension);
            return;
        }

        var record = store.GetLocal(folder.Id, journal.Name);
        var recorded = record?.Entry is { Deleted: false, Type: FileType.File, Manifest: { } m } ? m.FileHash.Span : default;
        if (recorded.SequenceEqual(journal.NewFileHash))
        {
            logger.LogInformation("Folder {Folder}: in-place patch of {Name} was committed before the stop; its journal is dropped", folder.Id, journal.Name);
        }
        else if (record is not null && recorded.SequenceEqual(journal.OldFileHash))
        {
            RollBack(folder, logger, journal, record);
        }
        else
        {
            logger.LogWarning("Folder {Folder}: patch journal of {Name} matches neither version in the index; the file is left for the scan", folder.Id, journal.Name);
        }

        fs.DeleteFile(journalPath);
        DirectoryFlush.Flush(Path.GetDirectoryName(journalPath)!);
    }

    private static void RollBack(SyncFolder folder, ILogger logger, PatchJournal journal, StoredFile record)
    {
        var fs = folder.FileSystem;
        var path = folder.PathOf(journal.Name);
        if (folder.CheckParents(journal.Name) is not null || fs.Stat(path) is not { Kind: FileKind.File } stat || stat.Size != journal.Size ||
            (journal.Inode != 0 && stat.Inode != 0 && stat.Inode != journal.Inode))
        {
            logger.LogWarning("Folder {Folder}: {Name} was replaced since its in-place patch stopped; left for the scan", folder.Id, journal.Name);
            return;
        }

        using var handle = fs.OpenWrite(path);
        foreach (var range in journal.Ranges)
        {
            var now = new byte[range.Old.Length];
            InPlacePatcher.ReadExactly(handle, now, range.Offset);
            for (var i = 0; i < now.Length; i++)
            {
                if (now[i] != range.Old[i] && now[i] != range.New[i])
                {
                    // Neither version's byte: someone wrote here after the stop. Their write is kept.
                    logger.LogWarning("Folder {Folder}: {Name} was written since its in-place patch stopped; left for the scan", folder.Id, journal.Name);
                    return;
                }
            }
        }

        foreach (var range in journal.Ranges)
        {
            RandomAccess.Write(handle, range.Old, range.Offset);
        }

        fs.Flush(handle);

        // The whole file is checked against the old version before its old mtime is given back: with
        // that mtime the scanner trusts it without reading, so a write elsewhere in the file since the
        // stop must instead leave the mtime as it is, for the scan to see. A crash here is rare; the read
        // is the price of never hiding a change.
        if (MatchesManifest(handle, record.Entry.Manifest))
        {
            fs.SetMode(path, journal.OldMode);
            fs.SetModified(path, journal.OldModifiedNs);
            fs.Flush(handle);
            logger.LogWarning("Folder {Folder}: in-place patch of {Name} was cut short; the old version is back ({Ranges} ranges)", folder.Id, journal.Name, journal.Ranges.Count);
        }
        else
        {
            logger.LogWarning("Folder {Folder}: {Name} differs from its recorded version beyond its interrupted patch; the patched ranges are put back and the rest left for the scan", folder.Id, journal.Name);
        }
    }

    /// <summary>True when the file holds exactly the chunks of <paramref name="manifest"/> (every chunk read and hashed).</summary>
    internal static bool MatchesManifest(Microsoft.Win32.SafeHandles.SafeFileHandle handle, FileManifest manifest)
    {
        var buffer = new byte[ChunkerParameters.FromId(manifest.ChunkerId).MaxSize];
        long offset = 0;
        foreach (var chunk in manifest.Chunks)
        {
            var span = buffer.AsSpan(0, (int)chunk.Length);
            InPlacePatcher.ReadExactly(handle, span, offset);
            if (!LocalChunkReader.HashMatches(span, chunk.Hash.Span))
            {
                return false;
            }

            offset += chunk.Length;
        }

        return RandomAccess.GetLength(handle) == offset;
    }
}
