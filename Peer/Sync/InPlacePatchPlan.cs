using Mesh.Chunking;
using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>One chunk of a new version that differs from what the file on disk holds at its offset.</summary>
/// <param name="Offset">Where the chunk starts, in both versions (they have the same length).</param>
/// <param name="ChunkIndex">The chunk's index in the new manifest.</param>
internal readonly record struct PatchRange(long Offset, int ChunkIndex);

/// <summary>
/// Decides whether a new version of a file may be written into the file itself (<see cref="InPlacePatcher"/>)
/// instead of being assembled in a temporary file: a large file whose new version has the same length
/// and differs from the one on disk in a few chunks. Rebuilding a 512 MiB file to change 64 KiB costs a
/// copy and an fsync of 512 MiB on a file system without reflinks (ext4); patching costs the changed
/// bytes twice (journal and file) and two small fsyncs.
/// </summary>
internal static class InPlacePatchPlan
{
    /// <summary>Smaller files are rebuilt in a temporary file: the copy is cheap and readers never see a mix.</summary>
    public const long MinFileBytes = 16L * 1024 * 1024;

    /// <summary>At most this many changed bytes are patched; they are held in memory twice (old and new).</summary>
    public const long MaxChangedBytes = 4L * 1024 * 1024;

    /// <summary>And at most this fraction (1/n) of the file, so a patch stays a small part of the work it saves.</summary>
    public const int MaxChangedFraction = 16;

    /// <summary>
    /// The chunks of <paramref name="target"/> that differ from <paramref name="old"/> at the same offset,
    /// or null when the file should be rebuilt in a temporary file instead (different length or chunker,
    /// too small, too much changed, nothing changed).
    /// </summary>
    public static List<PatchRange>? TryPlan(FileManifest old, FileManifest target)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(target);
        if (old.Size != target.Size || target.Size < MinFileBytes || old.ChunkerId != target.ChunkerId)
        {
            return null;
        }

        var oldAt = new Dictionary<long, (uint Length, ChunkHash Hash)>(old.Chunks.Count);
        long offset = 0;
        foreach (var chunk in old.Chunks)
        {
            oldAt[offset] = (chunk.Length, new ChunkHash(chunk.Hash.Span));
            offset += chunk.Length;
        }

        var limit = Math.Min(MaxChangedBytes, (long)target.Size / MaxChangedFraction);
        var ranges = new List<PatchRange>();
        long changed = 0;
        offset = 0;
        for (var i = 0; i < target.Chunks.Count; i++)
        {
            var chunk = target.Chunks[i];
            if (!(oldAt.TryGetValue(offset, out var was) && was.Length == chunk.Length && was.Hash == new ChunkHash(chunk.Hash.Span)))
            {
                changed += chunk.Length;
                if (changed > limit)
                {
                    return null;
                }

                ranges.Add(new PatchRange(offset, i));
            }

            offset += chunk.Length;
        }

        return ranges.Count == 0 ? null : ranges;
    }
}
