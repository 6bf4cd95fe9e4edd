using Mesh.Chunking;
using Mesh.Peer.Files;
using Mesh.Peer.Index;
using Mesh.Proto;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Sync;

/// <summary>
/// Rebuilds the unchanged part of a file from the version of the same file already on disk, in large
/// ranges rather than chunk by chunk. A one-byte edit of a 512 MiB file leaves about 8,000 chunks as
/// they were (at the same offsets after an overwrite, one byte further on after an insert); copying
/// them one by one cost a lookup, a stat, an open, a read, a close and a hash each.
/// </summary>
/// <remarks>
/// The copied bytes are not hashed. They are trusted on the scanner's grounds: the file on disk has
/// the kind, size, mtime and inode the index recorded when it was hashed, both before the copy and
/// after it, so nobody wrote to it in between (a write moves the mtime). That is the same check that
/// lets a scan skip rehashing an unchanged file, so it trusts nothing the index does not already trust.
/// When the check fails after the copy, the caller treats the copied ranges as unknown and verifies
/// every chunk the slow way.
/// </remarks>
internal static class BaseFileCopy
{
    /// <summary>
    /// The runs of <paramref name="target"/> that can be copied from <paramref name="old"/>, in target
    /// order. A run follows the old file as long as its chunks do, so a shifted but otherwise equal file
    /// is one run; a chunk repeated in the old file continues the current run where it can.
    /// </summary>
    public static List<CopyRange> Plan(FileManifest old, FileManifest target)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(target);
        var oldCount = old.Chunks.Count;
        var oldOffsets = new long[oldCount];
        var oldHashes = new ChunkHash[oldCount];
        var firstByHash = new Dictionary<ChunkHash, int>(oldCount);
        long oldOffset = 0;
        for (var i = 0; i < oldCount; i++)
        {
            oldOffsets[i] = oldOffset;
            oldHashes[i] = new ChunkHash(old.Chunks[i].Hash.Span);
            firstByHash.TryAdd(oldHashes[i], i);
            oldOffset += old.Chunks[i].Length;
        }

        var ranges = new List<CopyRange>();
        CopyRange? open = null;
        var nextOld = -1;
        long offset = 0;
        for (var i = 0; i < target.Chunks.Count; i++)
        {
            var chunk = target.Chunks[i];
            var hash = new ChunkHash(chunk.Hash.Span);
            if (open is { } run && nextOld < oldCount && oldHashes[nextOld] == hash && old.Chunks[nextOld].Length == chunk.Length)
            {
                open = run with { Length = run.Length + chunk.Length, ChunkCount = run.ChunkCount + 1 };
                nextOld++;
            }
            else
            {
                if (open is { } finished)
                {
                    ranges.Add(finished);
                }

                if (firstByHash.TryGetValue(hash, out var at) && old.Chunks[at].Length == chunk.Length)
                {
                    open = new CopyRange(oldOffsets[at], offset, chunk.Length, i, 1);
                    nextOld = at + 1;
                }
                else
                {
                    open = null;
                    nextOld = -1;
                }
            }

            offset += chunk.Length;
        }

        if (open is { } last)
        {
            ranges.Add(last);
        }

        return ranges;
    }

    /// <summary>
    /// Copies <paramref name="ranges"/> from <paramref name="name"/> (whose index record is
    /// <paramref name="local"/>) into <paramref name="destination"/>. True when the file matched its
    /// record before and after the copy, so the copied bytes are the recorded chunks; false when it did
    /// not (then nothing copied may be trusted).
    /// </summary>
    /// <exception cref="IOException">Reading or writing failed (a full disk included).</exception>
    public static bool TryCopy(SyncFolder folder, string name, StoredFile local, SafeFileHandle destination, IReadOnlyList<CopyRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(local);
        if (folder.CheckParents(name) is not null)
        {
            return false;
        }

        var path = folder.PathOf(name);
        if (!MatchesRecord(folder.FileSystem.Stat(path), local))
        {
            return false;
        }

        // A file renamed over the name between the check and the open has another inode, and the check
        // after the copy sees it.
        using (var source = folder.FileSystem.OpenRead(path))
        {
            foreach (var range in ranges)
            {
                FileRangeCopy.Copy(source, range.SourceOffset, destination, range.Offset, range.Length);
            }
        }

        return MatchesRecord(folder.FileSystem.Stat(path), local);
    }

    private static bool MatchesRecord(FileStat? stat, StoredFile local) =>
        stat is { } s && local.Entry is { Deleted: false, Type: FileType.File } entry && s.IsFileAsRecorded(entry.Size, entry.ModifiedNs, local.Inode);
}
