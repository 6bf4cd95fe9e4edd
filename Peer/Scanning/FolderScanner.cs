using System.Buffers;
using System.Text;
using Google.Protobuf;
using MAB.DotIgnore;
using Mesh.Chunking;
using Mesh.Peer.Files;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Mesh.Proto;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Scanning;

/// <summary>
/// Finds local changes in a folder and records them as new versions. A file is re-hashed only when
/// its size, mtime, inode or kind differ from the index, so a restart re-reads nothing that did not
/// change. A file that reappears under a new name with the inode, size and mtime of one that vanished
/// is a rename: its manifest is reused without reading it. A file that changes while it is read is
/// retried and, if it keeps changing, left for the next scan, never recorded half-written.
/// </summary>
internal sealed class FolderScanner
{
    private const int CommitBatch = 1000;
    private const int SmallFileBytes = 1024 * 1024;

    private readonly SyncFolder _folder;
    private readonly IndexStore _store;
    private readonly DeviceId _local;
    private readonly SyncEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a scanner for one folder.</summary>
    public FolderScanner(SyncFolder folder, IndexStore store, DeviceId local, SyncEngineOptions options, TimeProvider time, ILogger logger)
    {
        _folder = folder;
        _store = store;
        _local = local;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Scans the folder, or only <paramref name="subPath"/> (a folder-relative name) and what is below it.
    /// The caller holds the folder's gate.
    /// </summary>
    public Task<ScanResult> ScanAsync(string? subPath, IProgress<ScanProgress>? progress, CancellationToken ct) =>
        ScanPathsAsync(subPath is null ? null : [subPath], progress, ct);

    /// <summary>
    /// Scans the folder, or only <paramref name="subPaths"/> (folder-relative names) and what is below
    /// them, as one scan: a file that moved from one of the paths to another is seen as a rename. The
    /// caller holds the folder's gate.
    /// </summary>
    public async Task<ScanResult> ScanPathsAsync(IReadOnlyList<string>? subPaths, IProgress<ScanProgress>? progress, CancellationToken ct)
    {
        var fs = _folder.FileSystem;
        var ignores = LoadIgnores();
        var scopes = subPaths is null ? null : RelativeNames.Outermost(subPaths);

        // Only the scanned subtrees: the watcher rescans each touched path, and while the puller applies
        // thousands of renames a whole-index read per path (with the folder lock held) cost O(folder)
        // per file.
        Dictionary<string, StoredFile> records;
        SortedDictionary<string, FileStat> seen;
        if (scopes is null || scopes.Count == 1)
        {
            var only = scopes?[0];
            records = _store.GetLocalUnder(_folder.Id, only);
            seen = Walk(only, ignores, ct);
        }
        else
        {
            records = new Dictionary<string, StoredFile>(StringComparer.Ordinal);
            seen = new SortedDictionary<string, FileStat>(StringComparer.Ordinal);
            foreach (var scope in scopes)
            {
                foreach (var (name, record) in _store.GetLocalUnder(_folder.Id, scope))
                {
                    records[name] = record;
                }

                foreach (var (name, stat) in Walk(scope, ignores, ct))
                {
                    seen[name] = stat;
                }
            }
        }

        bool InScope(string name) => scopes is null || scopes.Exists(p => name == p || name.StartsWith(p + "/", StringComparison.Ordinal));

        var vanished = records.Values
            .Where(r => !r.Entry.Deleted && InScope(r.Entry.Name) && !seen.ContainsKey(r.Entry.Name) && !IsIgnored(ignores, r.Entry.Name, r.Entry.Type == FileType.Directory))
            .ToList();
        var vanishedByInode = new Dictionary<ulong, StoredFile>();
        foreach (var gone in vanished)
        {
            if (gone.Inode != 0 && gone.Entry.Type == FileType.File)
            {
                vanishedByInode[gone.Inode] = gone;
            }
        }

        var toHash = new List<(string Name, FileStat Stat, StoredFile? Record)>();
        var changes = new List<(FileEntry, ulong)>();
        var renamedFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = 0;
        foreach (var (name, stat) in seen)
        {
            records.TryGetValue(name, out var record);
            var live = record is { Entry.Deleted: false } ? record : null;
            switch (stat.Kind)
            {
                case FileKind.Directory:
                    if (live is null || live.Entry.Type != FileType.Directory || live.Entry.Mode != stat.Mode)
                    {
                        changes.Add((NewEntry(name, FileType.Directory, stat, record), stat.Inode));
                    }

                    break;

                case FileKind.Symlink:
                    var target = fs.ReadLink(_folder.PathOf(name));
                    if (live is null || live.Entry.Type != FileType.Symlink || live.Entry.SymlinkTarget != target)
                    {
                        var link = NewEntry(name, FileType.Symlink, stat, record);
                        link.SymlinkTarget = target;
                        changes.Add((link, stat.Inode));
                    }

                    break;

                case FileKind.File:
                    if (live is not null && live.Entry.Type == FileType.File && stat.IsFileAsRecorded(live.Entry.Size, live.Entry.ModifiedNs, live.Inode))
                    {
                        if (live.Entry.Mode != stat.Mode)
                        {
                            var metadata = NewEntry(name, FileType.File, stat, record);
                            metadata.Manifest = live.Entry.Manifest;
                            changes.Add((metadata, stat.Inode));
                        }

                        break;
                    }

                    if (live is null && stat.Inode != 0 && vanishedByInode.TryGetValue(stat.Inode, out var moved) &&
                        moved.Entry.Size == (ulong)stat.Size && moved.Entry.ModifiedNs == stat.ModifiedNs)
                    {
                        // Renamed: same inode, size and mtime. The content is what was hashed before.
                        var renamed = NewEntry(name, FileType.File, stat, record);
                        renamed.Manifest = moved.Entry.Manifest;
                        changes.Add((renamed, stat.Inode));
                        renamedFrom[name] = moved.Entry.Name;
                        vanishedByInode.Remove(stat.Inode);
                        break;
                    }

                    toHash.Add((name, stat, record));
                    break;
            }
        }

        var now = _time.GetUtcNow();
        foreach (var gone in vanished)
        {
            changes.Add((new FileEntry
            {
                Name = gone.Entry.Name,
                Type = gone.Entry.Type,
                Deleted = true,
                Version = VersionVector.FromProto(gone.Entry.Version).Update(_local.ShortId).ToProto(),
                ModifiedNs = (now - DateTimeOffset.UnixEpoch).Ticks * 100,
                ModifiedBy = _local.ShortId,
            }, 0));
        }

        var mayNeed = false;
        Tally(Commit(changes, renamedFrom), ref changed, ref mayNeed);
        _logger.LogDebug("Scan of {Folder}/{Paths}: {Seen} entries walked, {Vanished} gone, {ToHash} files to hash ({Bytes} bytes)",
            _folder.Id, scopes is null ? "(all)" : string.Join(", ", scopes), seen.Count, vanished.Count, toHash.Count, toHash.Sum(f => f.Stat.Size));

        // Files of a commit's worth of bytes or more are hashed after the smaller ones (each group in
        // name order): a peer pulls the small files while the large ones are read, instead of waiting
        // for a large file that sorts first to be hashed whole (side-by-side a, session 9: the 512 MiB
        // file was the first half of the bytes scanned, and the peer idled until it was hashed).
        toHash = [.. toHash.Where(f => f.Stat.Size < _options.ScanCommitBytes), .. toHash.Where(f => f.Stat.Size >= _options.ScanCommitBytes)];
        var total = new ScanProgress(0, toHash.Count, 0, toHash.Sum(f => f.Stat.Size));
        progress?.Report(total);
        long hashed = 0;
        long uncommitted = 0;
        var requeued = 0;
        var done = 0;
        foreach (var (name, stat, record) in toHash)
        {
            ct.ThrowIfCancellationRequested();
            var (manifest, finalStat, read) = await HashStableAsync(name, stat, ct).ConfigureAwait(false);
            hashed += read;
            done++;
            progress?.Report(total with { FilesDone = done, BytesDone = hashed });
            if (manifest is null)
            {
                requeued++;
                continue;
            }

            var entry = NewEntry(name, FileType.File, finalStat, record);
            entry.Manifest = manifest;
            entry.Size = manifest.Size;
            changes.Add((entry, finalStat.Inode));
            uncommitted += (long)entry.Size;

            // Committed in batches of files and of bytes: each commit is announced to peers, so a peer
            // pulls what is hashed while the rest of a large scan is still being read (side-by-side a:
            // the 512 MiB file went out only with the 1,000th file after it, three quarters into the scan).
            if (changes.Count >= CommitBatch || uncommitted >= _options.ScanCommitBytes)
            {
                Tally(Commit(changes), ref changed, ref mayNeed);
                uncommitted = 0;
            }
        }

        Tally(Commit(changes), ref changed, ref mayNeed);
        if (changed > 0 || requeued > 0)
        {
            _logger.LogInformation("Scanned folder {Folder}: {Examined} entries, {Changed} changes, {HashedBytes} bytes hashed, {Requeued} still changing",
                _folder.Id, seen.Count, changed, hashed, requeued);
        }

        return new ScanResult(seen.Count, changed, hashed, requeued, mayNeed);
    }

    private static bool IsIgnored(IgnoreList? ignores, string name, bool isDirectory) =>
        ignores is not null && ignores.IsIgnored(name, isDirectory);

    private IgnoreList? LoadIgnores()
    {
        var path = _folder.PathOf(EngineFiles.IgnoreFile);
        return File.Exists(path) ? new IgnoreList(path) : null;
    }

    private SortedDictionary<string, FileStat> Walk(string? subPath, IgnoreList? ignores, CancellationToken ct)
    {
        var fs = _folder.FileSystem;
        var seen = new SortedDictionary<string, FileStat>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        if (subPath is null)
        {
            pending.Push(string.Empty);
        }
        else if (fs.Stat(_folder.PathOf(subPath)) is { } start && Accept(subPath, start))
        {
            seen[subPath] = start;
            if (start.Kind == FileKind.Directory)
            {
                pending.Push(subPath);
            }
        }

        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var directory = pending.Pop();
            IEnumerable<string> children;
            try
            {
                children = fs.List(_folder.PathOf(directory)).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Cannot list {Folder}/{Directory}: {Reason}", _folder.Id, directory, ex.Message);
                continue;
            }

            foreach (var child in children)
            {
                var name = directory.Length == 0 ? child : directory + "/" + child;
                if (EngineFiles.IsTemporary(child))
                {
                    _folder.Temporaries[name] = true;
                    continue;
                }

                var stat = fs.Stat(_folder.PathOf(name));
                if (stat is null || !Accept(name, stat.Value))
                {
                    continue;
                }

                seen[name] = stat.Value;
                if (stat.Value.Kind == FileKind.Directory)
                {
                    pending.Push(name);
                }
            }
        }

        return seen;

        bool Accept(string name, FileStat stat)
        {
            if (stat.Kind == FileKind.Other || EngineFiles.IsEngineName(name) || IsIgnored(ignores, name, stat.Kind == FileKind.Directory))
            {
                return false;
            }

            if (NameValidator.Check(name) is not null)
            {
                _logger.LogWarning("Not syncing {Folder}/{Name}: {Reason}", _folder.Id, name, NameValidator.Check(name));
                return false;
            }

            return true;
        }
    }

    private async Task<(FileManifest? Manifest, FileStat Stat, long Read)> HashStableAsync(string name, FileStat stat, CancellationToken ct)
    {
        var path = _folder.PathOf(name);
        long read = 0;
        for (var attempt = 0; attempt < _options.MaxHashAttempts; attempt++)
        {
            FileManifest manifest;
            try
            {
                manifest = await HashAsync(path, stat.Size, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return (null, stat, read);
            }

            read += (long)manifest.Size;
            var after = _folder.FileSystem.Stat(path);
            if (after is { } now && now.Kind == FileKind.File && now.Size == stat.Size && now.ModifiedNs == stat.ModifiedNs &&
                now.Inode == stat.Inode && manifest.Size == (ulong)stat.Size)
            {
                return (manifest, now, read);
            }

            if (after is null)
            {
                return (null, stat, read);
            }

            stat = after.Value;
        }

        _logger.LogInformation("{Folder}/{Name} keeps changing while it is read; it is left for the next scan", _folder.Id, name);
        return (null, stat, read);
    }

    private async Task<FileManifest> HashAsync(string path, long size, CancellationToken ct)
    {
        if (size <= SmallFileBytes)
        {
            // Small files: one read into a pooled buffer and a single-threaded pass; the pipeline's
            // multi-MiB blocks and tasks would cost more than the hashing.
            // Room for the size seen plus one byte, to notice a file that grew: renting 1 MiB for every
            // file of a few KiB took 2 MiB arrays (the pool's next size), which the pool then kept.
            using var handle = _folder.FileSystem.OpenRead(path);
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(size, 0) + 1);
            try
            {
                var total = 0;
                int n;
                while ((n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(total), total, ct).ConfigureAwait(false)) > 0)
                {
                    total += n;
                    if (total == buffer.Length)
                    {
                        break;
                    }
                }

                if (total < buffer.Length && total <= SmallFileBytes)
                {
                    return ManifestBuilder.Build(buffer.AsSpan(0, total), ChunkerParameters.Default);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Positional reads by the pipeline's own tasks: every core reads and hashes its blocks, where a
        // stream was read front to back by one task while the others waited for blocks.
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        return await ManifestBuilder.BuildAsync(file, ChunkerParameters.Default, ct).ConfigureAwait(false);
    }

    private FileEntry NewEntry(string name, FileType type, FileStat stat, StoredFile? previous) => new()
    {
        Name = name,
        Type = type,
        Size = type == FileType.File ? (ulong)stat.Size : 0,
        Mode = stat.Mode,
        ModifiedNs = stat.ModifiedNs,
        Version = (previous is null ? VersionVector.Empty : VersionVector.FromProto(previous.Entry.Version)).Update(_local.ShortId).ToProto(),
        ModifiedBy = _local.ShortId,
    };

    private static void Tally((int Count, bool MayNeed) commit, ref int changed, ref bool mayNeed)
    {
        changed += commit.Count;
        mayNeed |= commit.MayNeed;
    }

    // Commits and announces the changes, then says whether they can have changed a need. That check
    // comes after the index sender is woken, and costs a lookup per name, where the pass the engine
    // would otherwise start (to find nothing, after a local rename) joins every peer entry of the
    // folder with the local ones and held the index while the sender waited to announce the change.
    private (int Count, bool MayNeed) Commit(List<(FileEntry Entry, ulong Inode)> changes, IReadOnlyDictionary<string, string>? renamedFrom = null)
    {
        if (changes.Count == 0)
        {
            return (0, false);
        }

        var committed = _store.CommitLocal(_folder.Id, changes, renamedFrom);
        var count = changes.Count;
        changes.Clear();
        _folder.LocalChanged.Notify();
        var announced = _store.GetPeerVersions(_folder.Id, committed.Select(e => e.Name).ToList());
        return (count, !NeedPlanner.CoversAnnounced(committed, announced));
    }
}
