using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>
/// What happens when two versions of one name are concurrent. The rule is deterministic, so every
/// device picks the same winner without talking: a change beats a delete; otherwise the later mtime
/// wins; on equal mtimes the higher short ID of the device that made the change wins.
/// </summary>
internal static class ConflictRule
{
    /// <summary>True when <paramref name="candidate"/> wins over the concurrent <paramref name="other"/>.</summary>
    public static bool Wins(FileEntry candidate, FileEntry other)
    {
        if (candidate.Deleted != other.Deleted)
        {
            return !candidate.Deleted;
        }

        if (candidate.ModifiedNs != other.ModifiedNs)
        {
            return candidate.ModifiedNs > other.ModifiedNs;
        }

        return candidate.ModifiedBy > other.ModifiedBy;
    }

    /// <summary>
    /// True when two entries describe the same thing on disk, so concurrent versions of them are no
    /// conflict: both deleted, both directories, the same symlink target, or files with the same
    /// whole-file hash.
    /// </summary>
    public static bool SameContent(FileEntry a, FileEntry b)
    {
        if (a.Deleted || b.Deleted)
        {
            return a.Deleted && b.Deleted;
        }

        if (a.Type != b.Type)
        {
            return false;
        }

        return a.Type switch
        {
            FileType.Directory => true,
            FileType.Symlink => string.Equals(a.SymlinkTarget, b.SymlinkTarget, StringComparison.Ordinal),
            _ => a.Size == b.Size && a.Manifest is not null && b.Manifest is not null &&
                 a.Manifest.FileHash.Span.SequenceEqual(b.Manifest.FileHash.Span),
        };
    }
}
