namespace Mesh.Peer.Sync;

/// <summary>
/// Collects small files that are ready to be committed and hands them out in batches of at most
/// <paramref name="maxFiles"/> files or <paramref name="maxBytes"/> bytes. Per file, an fsync and an
/// index transaction cost far more than writing a few KiB; per batch they are paid once.
/// </summary>
internal sealed class CommitBatch(int maxFiles, long maxBytes)
{
    private readonly Lock _gate = new();
    private List<PendingFile> _files = [];
    private long _bytes;

    /// <summary>Adds a file; returns a full batch to commit now, or null.</summary>
    public List<PendingFile>? Add(PendingFile file)
    {
        lock (_gate)
        {
            _files.Add(file);
            _bytes += (long)file.Need.Entry.Size;
            return _files.Count >= maxFiles || _bytes >= maxBytes ? TakeLocked() : null;
        }
    }

    /// <summary>Whatever is waiting, possibly nothing.</summary>
    public List<PendingFile> TakeAll()
    {
        lock (_gate)
        {
            return TakeLocked();
        }
    }

    private List<PendingFile> TakeLocked()
    {
        var full = _files;
        _files = [];
        _bytes = 0;
        return full;
    }
}
