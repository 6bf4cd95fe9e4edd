using Mesh.Peer.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Sync;

/// <summary>
/// Makes pulled files durable after they were renamed into place and recorded, off the puller's path
/// (docs/sync.md, "Deferred durability, session 7"). Each file comes with its open handle; the barrier
/// flushes the files' data (an fsync each, or one <c>syncfs</c> for several) and their directories, then
/// deletes their pending-durability rows and their rollback links. Until then a crash is repaired at the
/// next start by <see cref="PendingDurabilityRecovery"/>. One barrier per folder; it runs while files
/// are waiting and stops when none are.
/// </summary>
internal sealed class DurabilityBarrier
{
    private readonly SyncFolder _folder;
    private readonly IndexStore _store;
    private readonly bool _held;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private List<Waiting> _waiting = [];
    private bool _active;
    private Task _running = Task.CompletedTask;

    /// <summary>Creates the barrier of a folder; a <paramref name="held"/> barrier never flushes (tests: a power cut before it runs).</summary>
    public DurabilityBarrier(SyncFolder folder, IndexStore store, bool held, TimeProvider time, ILogger logger)
    {
        _folder = folder;
        _store = store;
        _held = held;
        _time = time;
        _logger = logger;
    }

    /// <summary>True while a file of this name waits for the barrier (or its flush failed): a later pull of it is made durable before its rename.</summary>
    public bool IsPending(string name)
    {
        lock (_gate)
        {
            return _names.Contains(name);
        }
    }

    /// <summary>
    /// Hands over a file renamed in under <paramref name="name"/>, its pending row already committed; the
    /// barrier owns <paramref name="handle"/> from now on.
    /// </summary>
    public void Add(string name, ulong inode, SafeFileHandle handle, string directory)
    {
        lock (_gate)
        {
            _waiting.Add(new Waiting(name, inode, handle, directory));
            _names.Add(name);
            if (_held || _active)
            {
                return;
            }

            _active = true;
            _running = Task.Run(Run);
        }
    }

    /// <summary>
    /// Waits until every file handed over is durable and its row deleted (shutdown). A held barrier
    /// closes its files without flushing them, leaving the rows for the next start.
    /// </summary>
    public async Task DrainAsync()
    {
        if (_held)
        {
            lock (_gate)
            {
                foreach (var waiting in _waiting)
                {
                    waiting.Handle.Dispose();
                }

                _waiting = [];
            }

            return;
        }

        while (true)
        {
            Task running;
            lock (_gate)
            {
                if (!_active)
                {
                    return;
                }

                running = _running;
            }

            await running.ConfigureAwait(false);
        }
    }

    private void Run()
    {
        while (true)
        {
            List<Waiting> files;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _active = false;
                    return;
                }

                files = _waiting;
                _waiting = [];
            }

            try
            {
                Flush(files);
            }
#pragma warning disable CA1031 // The barrier must keep serving the folder: a failure is reported, and the rows stay for the next start to check.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "Folder {Folder}: could not make {Count} pulled files durable; they are checked at the next start", _folder.Id, files.Count);
            }
            finally
            {
                foreach (var file in files)
                {
                    file.Handle.Dispose();
                }
            }
        }
    }

    private void Flush(List<Waiting> files)
    {
        var fs = _folder.FileSystem;
        var started = _time.GetTimestamp();
        if (files.Count == 1)
        {
            fs.Flush(files[0].Handle);
        }
        else
        {
            fs.FlushAll(files.Select(f => f.Handle).ToList());
        }

        foreach (var directory in files.Select(f => f.Directory).Distinct(StringComparer.Ordinal))
        {
            DirectoryFlush.Flush(directory);
        }

        var flushed = _time.GetTimestamp();
        var cleared = _store.ClearPendingDurability(_folder.Id, files.Select(f => (f.Name, f.Inode)).ToList());
        foreach (var row in cleared.Where(r => r.Rollback is not null))
        {
            try
            {
                fs.DeleteFile(RollbackLinks.PathOf(_folder, row.Rollback!));
            }
            catch (IOException ex)
            {
                _logger.LogWarning("Folder {Folder}: could not remove rollback link {Link}: {Reason}", _folder.Id, row.Rollback, ex.Message);
            }
        }

        lock (_gate)
        {
            foreach (var file in files)
            {
                _names.Remove(file.Name);
            }
        }

        _logger.LogDebug("Folder {Folder}: durability barrier: {Count} pulled files flushed in {Flush} ms, {Cleared} pending rows cleared",
            _folder.Id, files.Count, (long)_time.GetElapsedTime(started, flushed).TotalMilliseconds, cleared.Count);
    }

    private sealed record Waiting(string Name, ulong Inode, SafeFileHandle Handle, string Directory);
}
