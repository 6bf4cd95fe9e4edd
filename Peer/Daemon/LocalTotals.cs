using Mesh.Peer.Index;
using Mesh.Proto;

namespace Mesh.Peer.Daemon;

/// <summary>
/// Files and bytes in a folder's local index, for status. Counting reads every local entry, so the
/// result is kept until the folder's sequence moves (nothing changed locally means the same totals).
/// </summary>
internal sealed class LocalTotals(IndexStore store)
{
    private readonly Dictionary<string, (ulong Sequence, long Files, long Bytes)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Files (not directories, links or deletes) and their bytes in <paramref name="folder"/>.</summary>
    public (long Files, long Bytes) Of(string folder)
    {
        var sequence = store.GetFolder(folder).MaxSequence;
        lock (_gate)
        {
            if (_cache.TryGetValue(folder, out var cached) && cached.Sequence == sequence)
            {
                return (cached.Files, cached.Bytes);
            }
        }

        long files = 0;
        long bytes = 0;
        foreach (var file in store.GetAllLocal(folder).Values)
        {
            if (!file.Entry.Deleted && file.Entry.Type == FileType.File)
            {
                files++;
                bytes += (long)file.Entry.Size;
            }
        }

        lock (_gate)
        {
            _cache[folder] = (sequence, files, bytes);
        }

        return (files, bytes);
    }
}
