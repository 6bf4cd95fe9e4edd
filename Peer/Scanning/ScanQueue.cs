using Mesh.Peer.Files;

namespace Mesh.Peer.Scanning;

/// <summary>
/// Paths waiting to be rescanned in one folder, collapsed: a full scan swallows everything, and a path
/// swallows the paths below it.
/// </summary>
internal sealed class ScanQueue
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private bool _full;
    private TaskCompletionSource _available = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Queues a path (folder-relative), or the whole folder when null.</summary>
    public void Add(string? path)
    {
        lock (_gate)
        {
            if (path is null || path.Length == 0)
            {
                _full = true;
            }
            else
            {
                _paths.Add(path);
            }

            _available.TrySetResult();
        }
    }

    /// <summary>Waits for work and takes all of it: null in the list means the whole folder.</summary>
    public async Task<IReadOnlyList<string?>> TakeAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_full || _paths.Count > 0)
                {
                    IReadOnlyList<string?> work = _full ? [null] : Collapse(_paths);
                    _full = false;
                    _paths.Clear();
                    _available = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    return work;
                }

                wait = _available.Task;
            }

            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private static List<string?> Collapse(HashSet<string> paths) => [.. RelativeNames.Outermost(paths)];
}
