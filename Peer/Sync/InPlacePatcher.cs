using Mesh.Peer.Files;
using Mesh.Peer.Index;
using Mesh.Proto;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Sync;

/// <summary>How an in-place patch ended.</summary>
internal enum PatchOutcome
{
    /// <summary>The file holds the new version and the index records it.</summary>
    Patched,

    /// <summary>The file on disk no longer matched its index record (a local change); nothing was written.</summary>
    LocalChange,
}

/// <summary>The points of an in-place patch a test can stop at, as a crash would.</summary>
internal enum PatchStep
{
    /// <summary>The journal is durable; the file is untouched.</summary>
    JournalWritten,

    /// <summary>One more range was written into the file (the argument says which).</summary>
    RangeWritten,

    /// <summary>The new version is in the index; the journal is still there.</summary>
    Committed,
}

/// <summary>
/// Writes a new version of a file into the file itself, for a large file whose new version has the same
/// length and differs in a few chunks (<see cref="InPlacePatchPlan"/>). The old bytes of every range to
/// be overwritten go into an undo journal (<see cref="PatchJournal"/>), which is made durable before the
/// file is touched; then the ranges are written, the mtime and mode set, the file fsynced, the new
/// version committed and the journal deleted. After a crash at any point, <see cref="PatchJournalRecovery"/>
/// puts the old bytes back unless the commit happened, so the file is the old version or the new one
/// and the index agrees.
/// </summary>
/// <remarks>
/// Unlike a rename of a temporary file, a reader may see the file half-patched for the few milliseconds
/// the writes take. That is the price of not copying and fsyncing the whole file for a small change.
/// </remarks>
internal sealed class InPlacePatcher(SyncFolder folder, ILogger logger)
{
    private IFileSystem Fs => folder.FileSystem;

    /// <summary>Test seam: runs after each step; throwing here models a crash at that point.</summary>
    internal Action<PatchStep, int>? AfterStep { get; set; }

    /// <summary>
    /// Patches <paramref name="target"/>'s name from the version <paramref name="local"/> to
    /// <paramref name="target"/> with <paramref name="changes"/> (new bytes, already verified against
    /// their chunk hashes) and commits it through <paramref name="commit"/>. The caller holds the
    /// folder's lock. Nothing is written when the file does not match <paramref name="local"/>.
    /// </summary>
    /// <exception cref="IOException">Reading, writing or flushing failed; the file was put back when it could be.</exception>
    public PatchOutcome Apply(StoredFile local, FileEntry target, IReadOnlyList<(long Offset, byte[] Bytes)> changes, Action<FileEntry, ulong> commit)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(commit);
        var name = target.Name;
        var path = folder.PathOf(name);
        if (folder.CheckParents(name) is not null || !MatchesRecord(path, local))
        {
            return PatchOutcome.LocalChange;
        }

        var journalPath = PatchJournal.PathFor(folder, name);
        using var handle = Fs.OpenWrite(path);
        if (!MatchesRecord(path, local))
        {
            // Replaced or written between the check and the open.
            return PatchOutcome.LocalChange;
        }

        var ranges = new List<PatchJournalRange>(changes.Count);
        foreach (var (offset, bytes) in changes)
        {
            var old = new byte[bytes.Length];
            ReadExactly(handle, old, offset);
            ranges.Add(new PatchJournalRange(offset, old, bytes));
        }

        var stat = Fs.Stat(path)!.Value;
        var journal = new PatchJournal(name, (long)local.Entry.Size, local.Inode, local.Entry.ModifiedNs, stat.Mode, local.Entry.Manifest.FileHash.ToByteArray(),
            target.ModifiedNs, target.Mode, target.Manifest.FileHash.ToByteArray(), ranges);
        journal.Write(Fs, journalPath);

        // The last look: reading changed nothing, so a different stat now is someone else's write, and
        // it must not be overwritten (the caller rescans and decides as for any local change).
        if (!MatchesRecord(path, local))
        {
            Fs.DeleteFile(journalPath);
            return PatchOutcome.LocalChange;
        }

        AfterStep?.Invoke(PatchStep.JournalWritten, 0);
        try
        {
            for (var i = 0; i < ranges.Count; i++)
            {
                RandomAccess.Write(handle, ranges[i].New, ranges[i].Offset);
                AfterStep?.Invoke(PatchStep.RangeWritten, i);
            }

            Fs.SetMode(path, target.Mode);
            Fs.SetModified(path, target.ModifiedNs);
            Fs.Flush(handle);
        }
        catch (IOException)
        {
            TryRollBack(handle, path, journal, journalPath);
            throw;
        }

        commit(target, Fs.Stat(path)?.Inode ?? local.Inode);
        AfterStep?.Invoke(PatchStep.Committed, 0);

        // Left behind, the journal is harmless: recovery sees the new version committed and drops it.
        Fs.DeleteFile(journalPath);
        return PatchOutcome.Patched;
    }

    // A write failed part way: the old bytes go back now, so the file is the version its record describes.
    private void TryRollBack(SafeFileHandle handle, string path, PatchJournal journal, string journalPath)
    {
        try
        {
            foreach (var range in journal.Ranges)
            {
                RandomAccess.Write(handle, range.Old, range.Offset);
            }

            Fs.SetMode(path, journal.OldMode);
            Fs.SetModified(path, journal.OldModifiedNs);
            Fs.Flush(handle);
            Fs.DeleteFile(journalPath);
        }
        catch (IOException ex)
        {
            logger.LogError("Folder {Folder}: could not put back the old bytes of {Name} after a failed in-place patch ({Reason}); the journal is kept for the next start",
                folder.Id, journal.Name, ex.Message);
        }
    }

    private bool MatchesRecord(string path, StoredFile local) =>
        Fs.Stat(path) is { } s && local.Entry is { Deleted: false, Type: FileType.File } entry && s.IsFileAsRecorded(entry.Size, entry.ModifiedNs, local.Inode);

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>.</summary>
    /// <exception cref="IOException">The file ends first.</exception>
    internal static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = RandomAccess.Read(handle, destination[total..], offset + total);
            if (read == 0)
            {
                throw new IOException("the file ended before the range to patch");
            }

            total += read;
        }
    }
}
