using Mesh.Peer.Files;
using Mesh.Peer.Sync;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Scanning;

/// <summary>
/// Watches a folder with <see cref="FileSystemWatcher"/> and, once events have been quiet for the
/// debounce time, asks for a rescan of the touched paths. When the system's watch limit is reached
/// (inotify's <c>max_user_watches</c>), it says so once, with the setting to raise, and the periodic
/// full rescan keeps the folder fresh instead.
/// </summary>
internal sealed class FolderWatcher : IDisposable
{
    private static int s_limitReported;

    private readonly SyncFolder _folder;
    private readonly Action<string?> _requestScan;
    private readonly Func<string, bool> _isRecorded;
    private readonly List<(string From, string To)> _renamed = [];
    private readonly TimeSpan _debounce;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<string?> _touched = new();
    private readonly ITimer _timer;
    private readonly FileSystemWatcher? _watcher;

    /// <summary>
    /// Starts watching; <paramref name="requestScan"/> receives folder-relative paths (null: everything);
    /// <paramref name="isRecorded"/> says whether the index already holds a live entry for a name.
    /// </summary>
    public FolderWatcher(SyncFolder folder, Action<string?> requestScan, Func<string, bool> isRecorded, TimeSpan debounce, TimeProvider time, ILogger logger)
    {
        _folder = folder;
        _requestScan = requestScan;
        _isRecorded = isRecorded;
        _debounce = debounce;
        _logger = logger;
        _timer = time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            _watcher = new FileSystemWatcher(folder.Root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes,
                InternalBufferSize = 64 * 1024,
            };
            _watcher.Changed += (_, e) => Touch(e.FullPath);
            _watcher.Created += (_, e) => Touch(e.FullPath);
            _watcher.Deleted += (_, e) => Touch(e.FullPath);
            _watcher.Renamed += (_, e) => TouchRename(e.OldFullPath, e.FullPath);
            _watcher.Error += (_, e) => OnError(e.GetException());
            _watcher.EnableRaisingEvents = true;
        }
        catch (IOException ex)
        {
            OnError(ex);
        }
    }

    /// <summary>True when the watch limit message was printed in this process.</summary>
    public static bool LimitReported => Volatile.Read(ref s_limitReported) != 0;

    /// <inheritdoc />
    public void Dispose()
    {
        _watcher?.Dispose();
        _timer.Dispose();
    }

    /// <summary>
    /// Drops the touched paths that lie in <paramref name="scopes"/> (null: the whole folder). Called by a
    /// scan that is about to walk those paths: the changes behind events already received are on disk
    /// before the walk, so that scan records them, and scanning them again once the debounce ends would
    /// only repeat it. Events received later are kept.
    /// </summary>
    public void Forget(IReadOnlyList<string>? scopes)
    {
        bool Covered(string name) => scopes is null || scopes.Any(p => name == p || name.StartsWith(p + "/", StringComparison.Ordinal));

        lock (_gate)
        {
            _touched.RemoveWhere(path => path is not null && Covered(path));
            if (scopes is null)
            {
                // A full scan also covers a rescan of everything asked for after a watch error.
                _touched.Remove(null);
            }

            _renamed.RemoveAll(rename => Covered(rename.From) && Covered(rename.To));
        }
    }

    /// <summary>True while events are held for a rescan that the debounce has not started yet.</summary>
    internal bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return _touched.Count > 0 || _renamed.Count > 0;
            }
        }
    }

    /// <summary>True while a rescan of <paramref name="path"/> is held for the debounce.</summary>
    internal bool IsPending(string path)
    {
        lock (_gate)
        {
            return _touched.Contains(path);
        }
    }

    /// <summary>True when an error text is the inotify watch or instance limit.</summary>
    public static bool IsWatchLimit(Exception ex) =>
        ex.Message.Contains("inotify", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("max_user_watches", StringComparison.OrdinalIgnoreCase);

    private void OnError(Exception ex)
    {
        if (IsWatchLimit(ex))
        {
            if (Interlocked.Exchange(ref s_limitReported, 1) == 0)
            {
                _logger.LogWarning(
                    "The system's file watch limit is reached ({Reason}); folder {Folder} is kept fresh by periodic scans instead. " +
                    "Raise it with: sysctl fs.inotify.max_user_watches=524288 (and fs.inotify.max_user_instances)", ex.Message, _folder.Id);
            }
        }
        else
        {
            _logger.LogWarning("Watching folder {Folder} failed ({Reason}); rescanning all of it", _folder.Id, ex.Message);
        }

        lock (_gate)
        {
            _touched.Add(null);
        }

        _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
    }

    private void Touch(string fullPath)
    {
        if (Relative(fullPath) is not { } relative)
        {
            return;
        }

        lock (_gate)
        {
            _touched.Add(relative);
        }

        // Every event pushes the scan back: a file being written is scanned once, when it is quiet.
        _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
    }

    // The scanner recognises a rename (same inode, size and mtime) only when the old name vanishes in the
    // scan in which the new one appears; scanned apart, a renamed directory would be read again in full.
    private void TouchRename(string oldFullPath, string newFullPath)
    {
        if (Relative(oldFullPath) is not { } from || Relative(newFullPath) is not { } to)
        {
            // A temporary file renamed to its target by the puller, or a name moved in or out of the folder.
            Touch(oldFullPath);
            Touch(newFullPath);
            return;
        }

        lock (_gate)
        {
            _renamed.Add((from, to));
        }

        _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
    }

    private string? Relative(string fullPath)
    {
        var relative = Path.GetRelativePath(_folder.Root, fullPath).Replace(Path.DirectorySeparatorChar, '/');
        return relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || EngineFiles.IsEngineName(relative) ? null : relative;
    }

    private void Flush()
    {
        List<string?> touched;
        List<(string From, string To)> renamed;
        lock (_gate)
        {
            touched = [.. _touched];
            _touched.Clear();
            renamed = [.. _renamed];
            _renamed.Clear();
        }

        foreach (var (from, to) in renamed)
        {
            if (_folder.PullerMoves.TryTake(from, to))
            {
                // The puller renamed this directory and recorded every name below it; what changed inside
                // since has events of its own. Those that came before the rename name the old path.
                touched = [.. touched.Select(path => path is not null && IsBelowOrAt(path, from) ? to + path[from.Length..] : path)];
                continue;
            }

            // A new name already in the index was recorded by whoever renamed it (the puller applying a
            // rename from a peer); a new name not yet known is scanned together with the old one, from
            // their common parent.
            if (IsRecorded(to))
            {
                touched.Add(from);
                touched.Add(to);
            }
            else
            {
                touched.Add(RelativeNames.CommonParent(from, to));
            }
        }

        // Collapsed here, before any is queued: handed over one by one, the first few were taken by the
        // scan loop while the rest were still being added, so a pull of 20,000 files into a new
        // directory became thousands of one-file scans instead of one scan of the directory.
        foreach (var path in Collapse(touched))
        {
            _requestScan(path);
        }
    }

    private static bool IsBelowOrAt(string path, string directory) =>
        path.StartsWith(directory, StringComparison.Ordinal) && (path.Length == directory.Length || path[directory.Length] == '/');

    private static List<string?> Collapse(List<string?> paths) =>
        paths.Contains(null) ? [null] : [.. RelativeNames.Outermost(paths.Select(p => p!))];

    private bool IsRecorded(string name)
    {
        try
        {
            return _isRecorded(name);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // The engine is stopping; scanning more than needed is harmless.
            return false;
        }
    }
}
