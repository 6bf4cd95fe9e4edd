using Mesh.Peer.Files;

namespace Mesh.Peer.Sync;

/// <summary>
/// One folder's shared state inside the engine: where it is, the lock that serialises changes to its
/// files (scanner and puller never touch one folder at once), and the signals that wake the index
/// senders and the puller.
/// </summary>
internal sealed class SyncFolder : IDisposable
{
    private FolderStatus _status = new(FolderState.Idle, 0, 0, null);
    private long _pullPasses;

    /// <summary>Creates the folder state.</summary>
    public SyncFolder(FolderOptions options, IFileSystem fileSystem, TimeProvider? time = null)
    {
        PullerMoves = new PullerMoves(time ?? TimeProvider.System);
        Options = options;
        FileSystem = fileSystem;
        Root = Path.GetFullPath(options.Path);
    }

    /// <summary>The folder's configuration.</summary>
    public FolderOptions Options { get; }

    /// <summary>The folder ID.</summary>
    public string Id => Options.Id;

    /// <summary>Absolute root path, without trailing separator.</summary>
    public string Root { get; }

    /// <summary>The file system the folder lives on.</summary>
    public IFileSystem FileSystem { get; }

    /// <summary>Held while the scanner or the puller changes the folder's files or local index.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Fires when the local index changed (new sequence numbers to announce).</summary>
    public ChangeSignal LocalChanged { get; } = new();

    /// <summary>Directory renames the puller made and recorded, for the watcher not to rescan them.</summary>
    public PullerMoves PullerMoves { get; }

    /// <summary>Fires when a peer's index changed or a link came or went (something may be needed).</summary>
    public ChangeSignal PullWanted { get; } = new();

    /// <summary>
    /// Temporary files the scanner came across (folder-relative names). The puller removes those whose
    /// target is no longer needed; the others are kept so their pull resumes.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> Temporaries { get; } = new(StringComparer.Ordinal);

    /// <summary>Pull passes the puller has finished (failed ones included); lets tests wait for it to go quiet.</summary>
    internal long PullPasses => Interlocked.Read(ref _pullPasses);

    /// <summary>The latest status.</summary>
    public FolderStatus Status
    {
        get => Volatile.Read(ref _status);
        set => Volatile.Write(ref _status, value);
    }

    /// <summary>Counts a finished pull pass.</summary>
    internal void PullPassEnded() => Interlocked.Increment(ref _pullPasses);

    /// <summary>Absolute path of a folder-relative, validated name.</summary>
    public string PathOf(string name) =>
        name.Length == 0 ? Root : Path.Combine(Root, Path.DirectorySeparatorChar == '/' ? name : name.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>
    /// Checks that every parent of <paramref name="name"/> inside the folder is a real directory or
    /// absent, so a write can never be redirected through a symlink out of the folder.
    /// </summary>
    public string? CheckParents(string name)
    {
        var index = name.IndexOf('/', StringComparison.Ordinal);
        while (index > 0)
        {
            var stat = FileSystem.Stat(PathOf(name[..index]));
            if (stat is null)
            {
                return null;
            }

            if (stat.Value.Kind != FileKind.Directory)
            {
                return $"parent '{name[..index]}' is a {stat.Value.Kind}, not a directory";
            }

            index = name.IndexOf('/', index + 1);
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose() => Gate.Dispose();
}
