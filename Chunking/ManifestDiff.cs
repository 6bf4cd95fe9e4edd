using Mesh.Proto;

namespace Mesh.Chunking;

/// <summary>
/// What it takes to turn an old version of a file into a target version: the target's chunks split
/// into those to fetch and those to copy from the old version. Every target chunk is in exactly one
/// of the two lists, in target order.
/// </summary>
public sealed class ManifestDiff
{
    private ManifestDiff(IReadOnlyList<ChunkToFetch> fetch, IReadOnlyList<ChunkToCopy> copy, long distinctFetchBytes)
    {
        Fetch = fetch;
        Copy = copy;
        DistinctFetchBytes = distinctFetchBytes;
    }

    /// <summary>Target chunks whose content the old version does not contain.</summary>
    public IReadOnlyList<ChunkToFetch> Fetch { get; }

    /// <summary>Target chunks found in the old version, with where to copy them from.</summary>
    public IReadOnlyList<ChunkToCopy> Copy { get; }

    /// <summary>Bytes in <see cref="Fetch"/>, counting a chunk that repeats inside the target once.</summary>
    public long DistinctFetchBytes { get; }

    /// <summary>Bytes in <see cref="Fetch"/>, counting every occurrence.</summary>
    public long FetchBytes => Fetch.Sum(chunk => (long)chunk.Length);

    /// <summary>Bytes in <see cref="Copy"/>.</summary>
    public long CopyBytes => Copy.Sum(chunk => (long)chunk.Length);

    /// <summary>
    /// Compares <paramref name="target"/> with the receiver's <paramref name="old"/> version (null when
    /// it has none). Both manifests are validated first.
    /// </summary>
    /// <exception cref="InvalidManifestException">Either manifest does not add up.</exception>
    public static ManifestDiff Compute(FileManifest? old, FileManifest target)
    {
        ArgumentNullException.ThrowIfNull(target);
        ManifestValidator.Validate(target);
        var have = new Dictionary<ChunkHash, long>();
        if (old is not null)
        {
            ManifestValidator.Validate(old);
            long oldOffset = 0;
            foreach (var chunk in old.Chunks)
            {
                // Equal hashes mean equal bytes, so the first occurrence is as good as any.
                have.TryAdd(new ChunkHash(chunk.Hash.Span), oldOffset);
                oldOffset += chunk.Length;
            }
        }

        var fetch = new List<ChunkToFetch>();
        var copy = new List<ChunkToCopy>();
        var fetched = new HashSet<ChunkHash>();
        long distinct = 0;
        long offset = 0;
        for (var i = 0; i < target.Chunks.Count; i++)
        {
            var chunk = target.Chunks[i];
            var hash = new ChunkHash(chunk.Hash.Span);
            var length = (int)chunk.Length;
            if (have.TryGetValue(hash, out var source))
            {
                copy.Add(new ChunkToCopy(i, offset, length, hash, source));
            }
            else
            {
                fetch.Add(new ChunkToFetch(i, offset, length, hash));
                if (fetched.Add(hash))
                {
                    distinct += length;
                }
            }

            offset += length;
        }

        return new ManifestDiff(fetch, copy, distinct);
    }
}
