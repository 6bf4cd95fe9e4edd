using System.Buffers;
using System.Collections.Concurrent;
using Google.Protobuf;
using Mesh.Chunking;
using Mesh.Peer.Files;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Proto;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Sync;

/// <summary>
/// Makes one folder match the global state. Files are assembled in a temporary file next to their
/// target (<see cref="EngineFiles.TemporaryFor"/>) from, in order of preference: verified bytes
/// already in that temporary file (an interrupted pull resumes), chunks of any local file, and
/// chunks requested from any connected peer that has the version. The result is verified against
/// the whole-file hash, flushed, given its mtime and mode, and renamed over the target, so no partial
/// file is ever visible under a real name. Just before the rename the target is checked against the
/// index: a local change not yet scanned is never overwritten.
/// </summary>
internal sealed partial class FolderPuller
{
    private const int DiskFullErrno = 28;
    private const int SmallFileBytes = 1024 * 1024;

    // Directory fsyncs of one batch run this many at a time; the file system groups concurrent ones.
    private const int FlushParallelism = 32;

    private readonly SyncEngine _engine;
    private readonly SyncFolder _folder;
    private readonly ILogger _logger;

    /// <summary>Creates the puller of one folder.</summary>
    public FolderPuller(SyncEngine engine, SyncFolder folder, ILogger logger)
    {
        _engine = engine;
        _folder = folder;
        _logger = logger;
        Durability = new DurabilityBarrier(folder, engine.Store, engine.Options.HoldDurabilityBarrier, engine.Time, logger);
    }

    /// <summary>Makes pulled files durable after their commit (<see cref="DurabilityBarrier"/>).</summary>
    public DurabilityBarrier Durability { get; }

    private IFileSystem Fs => _folder.FileSystem;

    /// <summary>Pulls whenever something may be needed, retrying failures after the configured pause.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        // Index updates arrive in bursts (one per batch a peer commits); at most one pass per
        // PullDebounce keeps a large sync from re-planning the whole folder for every message, while a
        // change after a quiet spell (one edited file) is planned at once.
        var spacing = new RunSpacing(_engine.Options.PullDebounce, _engine.Time);
        while (!ct.IsCancellationRequested)
        {
            var wanted = _folder.PullWanted.Next;
            bool complete;
            try
            {
                complete = await PullOnceAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The puller must outlive a failed pass: it reports and retries instead of dying silently.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "Folder {Folder}: pull pass failed", _folder.Id);
                _folder.Status = _folder.Status with { State = FolderState.Error, Error = ex.Message };
                complete = false;
            }

            spacing.Ended();
            _folder.PullPassEnded();
            if (complete)
            {
                await wanted.WaitAsync(ct).ConfigureAwait(false);
            }
            else
            {
                await Task.WhenAny(wanted, Task.Delay(_engine.Options.PullRetryInterval, _engine.Time, ct)).ConfigureAwait(false);
            }

            await spacing.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One pass over everything needed now; true when nothing was left undone. The folder is planned and
    /// pulled in slices of <see cref="SyncEngineOptions.PullSliceNames"/> names, in name order, so what a
    /// pass holds is bounded whatever the folder's size (a parent directory sorts before its children).
    /// </summary>
    public async Task<bool> PullOnceAsync(CancellationToken ct)
    {
        var connections = _engine.ConnectionsFor(_folder.Id);
        var devices = connections.Select(c => c.Remote).ToList();
        Dictionary<string, string>? caseIndex = null;
        var stillNeeded = new HashSet<string>(StringComparer.Ordinal);
        (int Files, long Bytes) left = (0, 0);
        string? error = null;
        string? after = null;

        // With more than one slice, a directory's delete may come in a slice before its last child's:
        // those deletes wait until every slice is through (they are few and small).
        var directoryDeletes = new List<Need>();
        while (true)
        {
            var (needs, last) = PlanSlice(devices, after);
            if (needs.Count > 0)
            {
                caseIndex ??= Fs.IsCaseSensitive ? null : BuildCaseIndex();
                var pass = new PullPass(needs, caseIndex, left);
                var sliced = after is not null || last is not null;
                if (!await PullSliceAsync(needs, pass, sliced ? directoryDeletes : null, ct).ConfigureAwait(false))
                {
                    return false;
                }

                foreach (var need in needs.Where(n => !pass.Done.ContainsKey(n.Entry.Name)))
                {
                    stillNeeded.Add(need.Entry.Name);
                }

                left = (pass.Remaining, pass.RemainingBytes);
                error = pass.Error ?? error;
                if (pass.Aborted)
                {
                    // Out of space: what later slices would pull stays as it is, temporaries included.
                    SetStatusAfterPass(left, error);
                    return false;
                }
            }

            if (last is null)
            {
                break;
            }

            after = last;
        }

        if (directoryDeletes.Count > 0)
        {
            var pass = new PullPass(directoryDeletes, caseIndex, (left.Files - directoryDeletes.Count, left.Bytes));
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
            foreach (var need in directoryDeletes.OrderByDescending(n => n.Entry.Name, StringComparer.Ordinal))
            {
                await RunOneAsync(need, pass, abort, abort.Token, null).ConfigureAwait(false);
            }

            left = (pass.Remaining, pass.RemainingBytes);
            error = pass.Error ?? error;
        }

        if (devices.Count > 0)
        {
            // Only with peers connected is "not needed" known; offline, a temporary file waits to resume.
            RemoveStaleTemporaries(stillNeeded);
        }

        SetStatusAfterPass(left, error);
        return left.Files == 0;
    }

    // Not async, so the decoded differences are garbage once planned rather than a local the pass keeps.
    private (List<Need> Needs, string? Last) PlanSlice(List<DeviceId> devices, string? after)
    {
        var planStarted = _engine.Time.GetTimestamp();
        var slice = _engine.Store.GetRemoteDifferences(_folder.Id, devices, after, _engine.Options.PullSliceNames);
        var needs = NeedPlanner.Plan(slice.Differences);
        _logger.LogDebug("Folder {Folder}: pull pass planned {Count} needs from {Devices} peers in {Milliseconds:F1} ms{Slice}",
            _folder.Id, needs.Count, devices.Count, _engine.Time.GetElapsedTime(planStarted).TotalMilliseconds,
            after is null && slice.Last is null ? string.Empty : $" (a slice of names after '{after}')");
        return (needs, slice.Last);
    }

    private void SetStatusAfterPass((int Files, long Bytes) left, string? error) =>
        _folder.Status = left.Files == 0
            ? new FolderStatus(FolderState.Idle, 0, 0, null)
            : new FolderStatus(error is null ? FolderState.Syncing : FolderState.Error, left.Files, left.Bytes, error);

    // Index-only changes and directories go first, one by one; files are pulled several at a time (their
    // fsyncs and round trips overlap); deletes go last, children before parents. False when the pass
    // must stop for a rescan (a directory renamed but not recorded). Directory deletes go to
    // directoryDeletes instead when it is given.
    private async Task<bool> PullSliceAsync(List<Need> needs, PullPass pass, List<Need>? directoryDeletes, CancellationToken ct)
    {
        _folder.Status = new FolderStatus(FolderState.Syncing, pass.Remaining, pass.RemainingBytes, null);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            // A directory renamed elsewhere is one rename here when the old directory is as the index says.
            if (!await new DirectoryMover(_engine, _folder, _logger).ApplyAllAsync(needs, need => pass.Done.TryAdd(need.Entry.Name, true), abort.Token).ConfigureAwait(false))
            {
                _folder.Status = new FolderStatus(FolderState.Syncing, pass.Remaining, pass.RemainingBytes, null);
                return false;
            }

            foreach (var need in needs.Where(n => n.Kind is NeedKind.RecordOnly or NeedKind.Directory))
            {
                await RunOneAsync(need, pass, abort, abort.Token, null).ConfigureAwait(false);
            }

            // Symlinks first, as before any file: a file whose parent is a link must meet the link and be
            // refused, not create a directory where the link belongs.
            var options = new ParallelOptions { MaxDegreeOfParallelism = _engine.Options.MaxParallelFiles, CancellationToken = abort.Token };
            await Parallel.ForEachAsync(needs.Where(n => n.Kind == NeedKind.File && n.Entry.Type != FileType.File), options, (need, token) => new ValueTask(RunOneAsync(need, pass, abort, token, null))).ConfigureAwait(false);

            // Small files share durability barriers and index transactions (CommitBatch); more of them
            // run at once, since each is one request and a little local work.
            var batch = new CommitBatch(_engine.Options.CommitBatchFiles, _engine.Options.CommitBatchBytes);
            try
            {
                var smallOptions = new ParallelOptions { MaxDegreeOfParallelism = _engine.Options.MaxParallelSmallFiles, CancellationToken = abort.Token };
                await Parallel.ForEachAsync(needs.Where(n => n.Kind == NeedKind.File && IsBatched(n)), smallOptions, (need, token) => new ValueTask(RunOneAsync(need, pass, abort, token, batch))).ConfigureAwait(false);
                await CommitOrAbortAsync(batch.TakeAll(), pass, abort).ConfigureAwait(false);
            }
            finally
            {
                // Files left behind by an aborted pass stay as temporary files; the next pass resumes them.
                foreach (var left in batch.TakeAll())
                {
                    left.Handle.Dispose();
                }
            }

            await Parallel.ForEachAsync(needs.Where(n => n.Kind == NeedKind.File && n.Entry.Type == FileType.File && !IsBatched(n)), options, (need, token) => new ValueTask(RunOneAsync(need, pass, abort, token, null))).ConfigureAwait(false);

            foreach (var need in needs.Where(n => n.Kind == NeedKind.Delete))
            {
                if (directoryDeletes is not null && need.Entry.Type == FileType.Directory && !pass.Done.ContainsKey(need.Entry.Name))
                {
                    directoryDeletes.Add(need);
                    continue;
                }

                await RunOneAsync(need, pass, abort, abort.Token, null).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The pass was aborted (disk full); the error is recorded.
            pass.Aborted = true;
        }

        return true;
    }

    private static int LargestChunk(FileManifest manifest)
    {
        var largest = 1;
        foreach (var chunk in manifest.Chunks)
        {
            largest = Math.Max(largest, (int)chunk.Length);
        }

        return largest;
    }

    private static bool IsBatched(Need need) => need.Entry.Type == FileType.File && need.Entry.Size <= SmallFileBytes;

    private async Task RunOneAsync(Need need, PullPass pass, CancellationTokenSource abort, CancellationToken ct, CommitBatch? batch)
    {
        if (pass.Done.ContainsKey(need.Entry.Name))
        {
            pass.Complete(need);
            return;
        }

        bool ok;
        try
        {
            ok = await ApplyAsync(need, pass, batch, ct).ConfigureAwait(false);
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            pass.Error = $"disk full while pulling {need.Entry.Name}: {ex.Message}";
            _logger.LogError("Folder {Folder}: {Error}; pulling pauses and resumes when space returns", _folder.Id, pass.Error);
            await abort.CancelAsync().ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is PullException or ChunkUnavailableException or LinkClosedException or IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Folder {Folder}: could not pull {Name}: {Reason}", _folder.Id, need.Entry.Name, ex.Message);
            pass.Error = $"{need.Entry.Name}: {ex.Message}";
            ok = false;
        }

        if (ok)
        {
            pass.Done[need.Entry.Name] = true;
            pass.Complete(need);
            _folder.Status = new FolderStatus(FolderState.Syncing, pass.Remaining, pass.RemainingBytes, null);
        }
    }

    // A temporary file is kept while its target is still needed (the pull resumes from it) and removed
    // once it is not: the pull finished another way, or the local version won.
    private void RemoveStaleTemporaries(HashSet<string> stillNeeded)
    {
        foreach (var temporary in _folder.Temporaries.Keys)
        {
            var slash = temporary.LastIndexOf('/');
            var target = (slash < 0 ? string.Empty : temporary[..(slash + 1)]) + EngineFiles.TargetOf(temporary[(slash + 1)..]);
            if (stillNeeded.Contains(target))
            {
                continue;
            }

            try
            {
                if (_folder.CheckParents(temporary) is null && Fs.Stat(_folder.PathOf(temporary)) is { Kind: FileKind.File })
                {
                    Fs.DeleteFile(_folder.PathOf(temporary));
                }

                _folder.Temporaries.TryRemove(temporary, out _);
            }
            catch (IOException ex)
            {
                _logger.LogDebug("Folder {Folder}: could not remove {Temporary}: {Reason}", _folder.Id, temporary, ex.Message);
            }
        }
    }

    private static bool IsDiskFull(IOException ex) =>
        ex.HResult == DiskFullErrno || (ex.HResult & 0xffff) == 0x70 || ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private Dictionary<string, string> BuildCaseIndex()
    {
        var index = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, file) in _engine.Store.GetAllLocal(_folder.Id))
        {
            if (!file.Entry.Deleted)
            {
                index.TryAdd(name, name);
            }
        }

        return index;
    }

    // False also when the file waits in a batch: the batch's commit marks it done.
    private async Task<bool> ApplyAsync(Need need, PullPass pass, CommitBatch? batch, CancellationToken ct)
    {
        if (need.Kind == NeedKind.File && need.Entry.Type == FileType.File)
        {
            return await ApplyFileAsync(need, pass, batch, ct).ConfigureAwait(false);
        }

        await _folder.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (need.Kind == NeedKind.RecordOnly)
            {
                Commit(WithVersion(need.Entry, need.Version), need.Local?.Inode ?? 0);
                return true;
            }

            if (!Prechecks(need, pass))
            {
                return false;
            }

            return need.Kind switch
            {
                NeedKind.Directory => ApplyDirectory(need),
                NeedKind.Delete => ApplyDelete(need),
                _ => ApplySymlink(need),
            };
        }
        finally
        {
            _folder.Gate.Release();
        }
    }

    // Called under the gate: the name can be written here, and the disk holds what the index says.
    private bool Prechecks(Need need, PullPass pass)
    {
        var name = need.Entry.Name;
        if (_folder.CheckParents(name) is { } parentProblem)
        {
            _logger.LogWarning("Folder {Folder}: skipping {Name}: {Reason}", _folder.Id, name, parentProblem);
            return false;
        }

        if (need.Kind != NeedKind.Delete && pass.ClaimName(name) is { } nameProblem)
        {
            _logger.LogWarning("Folder {Folder}: skipping {Name}: {Reason}", _folder.Id, name, nameProblem);
            return false;
        }

        if (!DiskMatchesIndex(name, need.Local))
        {
            _engine.RequestScan(_folder.Id, name);
            return false;
        }

        return true;
    }

    private bool ApplyDirectory(Need need)
    {
        var path = _folder.PathOf(need.Entry.Name);
        var stat = Fs.Stat(path);
        if (stat is { Kind: not FileKind.Directory })
        {
            if (!need.Conflict && need.Local is { Entry.Deleted: false })
            {
                // A file or link the index knows is replaced by a directory that won by version.
                Fs.DeleteFile(path);
            }
            else
            {
                KeepConflictCopy(need);
            }
        }

        Fs.CreateDirectory(path);
        Fs.SetMode(path, need.Entry.Mode);
        Commit(WithVersion(need.Entry, need.Version), Fs.Stat(path)?.Inode ?? 0);
        return true;
    }

    private bool ApplySymlink(Need need)
    {
        var path = _folder.PathOf(need.Entry.Name);
        var stat = Fs.Stat(path);
        if (stat is { Kind: FileKind.Directory })
        {
            _logger.LogWarning("Folder {Folder}: {Name} is a directory here and a symlink there; kept", _folder.Id, need.Entry.Name);
            return false;
        }

        if (stat is not null)
        {
            if (need.Conflict)
            {
                KeepConflictCopy(need);
            }
            else
            {
                Fs.DeleteFile(path);
            }
        }

        Fs.CreateDirectory(Path.GetDirectoryName(path)!);
        Fs.CreateSymlink(path, need.Entry.SymlinkTarget);
        Commit(WithVersion(need.Entry, need.Version), Fs.Stat(path)?.Inode ?? 0);
        return true;
    }

    private bool ApplyDelete(Need need)
    {
        var path = _folder.PathOf(need.Entry.Name);
        var stat = Fs.Stat(path);
        if (stat is { Kind: FileKind.Directory })
        {
            if (!Fs.DeleteEmptyDirectory(path))
            {
                _logger.LogWarning("Folder {Folder}: directory {Name} was deleted elsewhere but holds files not in the index here; kept", _folder.Id, need.Entry.Name);
                return false;
            }
        }
        else if (stat is not null)
        {
            Fs.DeleteFile(path);
        }

        Commit(WithVersion(need.Entry, need.Version), 0);
        return true;
    }

    private async Task<bool> ApplyFileAsync(Need need, PullPass pass, CommitBatch? batch, CancellationToken ct)
    {
        var entry = need.Entry;
        var name = entry.Name;
        var path = _folder.PathOf(name);
        var local = need.Local is { Entry.Deleted: false } live ? live : null;
        string temp;
        List<PatchRange>? patch;
        await _folder.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!Prechecks(need, pass))
            {
                return false;
            }

            if (local is { Entry.Type: FileType.Directory })
            {
                _logger.LogWarning("Folder {Folder}: {Name} is a directory here and a file there; kept", _folder.Id, name);
                return false;
            }

            if (local is not null && (ConflictRule.SameContent(local.Entry, entry) || await SameContentUnderOtherSetAsync(local, entry, path, ct).ConfigureAwait(false)))
            {
                // The content is already here (a merge elsewhere, or only metadata changed).
                Fs.SetMode(path, entry.Mode);
                Fs.SetModified(path, entry.ModifiedNs);
                Commit(WithVersion(entry, need.Version), Fs.Stat(path)?.Inode ?? 0);
                return true;
            }

            var directory = Path.GetDirectoryName(path)!;
            Fs.CreateDirectory(directory);
            if (!need.Conflict && TryMoveFromDelete(need, path, pass))
            {
                return true;
            }

            // A small same-length edit of a large file is written into the file itself (InPlacePatcher).
            patch = batch is null ? PlanInPlace(need) : null;
            temp = Path.Combine(directory, EngineFiles.TemporaryFor(Path.GetFileName(path)));
            if (patch is null)
            {
                var slash = name.LastIndexOf('/');
                _folder.Temporaries[(slash < 0 ? string.Empty : name[..(slash + 1)]) + EngineFiles.TemporaryFor(name[(slash + 1)..])] = true;
            }
        }
        finally
        {
            _folder.Gate.Release();
        }

        if (patch is not null)
        {
            return await PatchInPlaceAsync(need, patch, ct).ConfigureAwait(false);
        }

        // Assembling needs no lock: the temporary file is the puller's alone, and a scan that runs
        // meanwhile is caught by the check before the rename. A batched file is flushed with its batch; a
        // deferred one by the durability barrier after its commit.
        var deferred = batch is null && CanDeferDurability(need);
        var handle = await AssembleAsync(need, temp, flush: batch is null && !deferred, ct).ConfigureAwait(false);
        try
        {
            Verify(entry.Manifest, temp, handle);
            Fs.SetMode(temp, entry.Mode);
            Fs.SetModified(temp, entry.ModifiedNs);
        }
        catch
        {
            handle?.Dispose();
            throw;
        }

        if (batch is not null)
        {
            if (batch.Add(new PendingFile(need, temp, path, handle!)) is { } full)
            {
                await CommitBatchAsync(full, pass, ct).ConfigureAwait(false);
            }

            return false;
        }

        if (deferred)
        {
            return await CommitDeferredAsync(need, temp, path, handle!, ct).ConfigureAwait(false);
        }

        await _folder.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Last look before replacing: a local edit since the last scan must not be overwritten. The
            // temporary file stays, so the next attempt only re-verifies it.
            if (ChangedLocallyDuringPull(need))
            {
                return false;
            }

            if (need.Conflict && local is not null)
            {
                KeepConflictCopy(need);
            }

            Fs.Rename(temp, path);
            var inode = Fs.Stat(path)?.Inode ?? 0;

            // The record may only describe what a power cut cannot take back: the rename too.
            DirectoryFlush.Flush(Path.GetDirectoryName(path)!);
            Commit(WithVersion(entry, need.Version), inode);
            _logger.LogDebug("Folder {Folder}: {Name} renamed into place and committed", _folder.Id, name);
            return true;
        }
        finally
        {
            _folder.Gate.Release();
        }
    }

    /// <summary>
    /// True when the local file holds the same bytes as <paramref name="entry"/> although its manifest was
    /// cut with another chunker parameter set (an index written before the default set changed, or a peer
    /// with other settings): file hashes cover the set, so only cutting the local file with the remote's
    /// set can tell. Without this, identical files became a conflict copy, or were fetched whole because
    /// no chunk hash matched. Reads the file only when the sets differ and the sizes agree.
    /// </summary>
    private async Task<bool> SameContentUnderOtherSetAsync(StoredFile local, FileEntry entry, string path, CancellationToken ct)
    {
        if (local.Entry.Type != FileType.File || entry.Type != FileType.File || local.Entry.Manifest is not { } mine || entry.Manifest is not { } theirs ||
            mine.ChunkerId == theirs.ChunkerId || local.Entry.Size != entry.Size || !ChunkerParameters.TryFromId(theirs.ChunkerId, out var parameters))
        {
            return false;
        }

        using var handle = Fs.OpenRead(path);
        var recut = await ManifestBuilder.BuildAsync(handle, parameters, ct).ConfigureAwait(false);
        var same = recut.FileHash.Span.SequenceEqual(theirs.FileHash.Span);
        _logger.LogDebug("Folder {Folder}: {Name} cut with set {Theirs} (ours: set {Mine}) is {Verdict}", _folder.Id, entry.Name, theirs.ChunkerId, mine.ChunkerId, same ? "the same content" : "different content");
        return same;
    }

    // A rename elsewhere arrives as a new name plus a delete of the old one. When the old file is here,
    // unchanged, and about to be deleted anyway, moving it is the whole transfer.
    private bool TryMoveFromDelete(Need need, string path, PullPass pass)
    {
        if (pass.Deletes.Count == 0)
        {
            // Nothing is being deleted in this pass, so there is nothing to move; spares a query per file.
            return false;
        }

        foreach (var candidate in _engine.Store.FindLocalByFileHash(_folder.Id, need.Entry.Manifest.FileHash.Span))
        {
            if (candidate == need.Entry.Name || Durability.IsPending(candidate) || !pass.Deletes.TryGetValue(candidate, out var delete) || pass.Done.ContainsKey(candidate) ||
                _folder.CheckParents(candidate) is not null || !DiskMatchesIndex(candidate, delete.Local) ||
                Fs.Stat(path) is not null || !pass.Done.TryAdd(candidate, true))
            {
                continue;
            }

            var from = _folder.PathOf(candidate);
            Fs.Rename(from, path);
            Fs.SetMode(path, need.Entry.Mode);
            Fs.SetModified(path, need.Entry.ModifiedNs);
            var inode = Fs.Stat(path)?.Inode ?? 0;
            DirectoryFlush.Flush(Path.GetDirectoryName(from)!);
            DirectoryFlush.Flush(Path.GetDirectoryName(path)!);
            _engine.Store.CommitLocal(_folder.Id, [(WithVersion(need.Entry, need.Version), inode), (WithVersion(delete.Entry, delete.Version), 0UL)]);
            _folder.LocalChanged.Notify();
            _logger.LogDebug("Folder {Folder}: {From} moved to {To} locally, nothing transferred", _folder.Id, candidate, need.Entry.Name);
            return true;
        }

        return false;
    }

    // With flush false the data is written but not yet durable, and the open handle is returned for
    // the batch to flush; otherwise the file is flushed and closed, and the result is null.
    private async Task<Microsoft.Win32.SafeHandles.SafeFileHandle?> AssembleAsync(Need need, string temp, bool flush, CancellationToken ct)
    {
        var manifest = need.Entry.Manifest;
        var missing = new List<(ChunkRef Chunk, long Offset)>();
        var handle = Fs.OpenWrite(temp);
        AssemblyWriter? writer = null;
        try
        {
            var direct = _engine.WriteBlocks is not null && (long)manifest.Size >= AssemblyWriter.MinDirectFileBytes ? Fs.OpenDirectWrite(temp) : null;
            writer = new AssemblyWriter(handle, direct, (long)manifest.Size, _engine.WriteBlocks);
            var existing = RandomAccess.GetLength(handle);
            var started = _engine.Time.GetTimestamp();
            var copied = CopyFromBase(need, handle);
            var copyDone = _engine.Time.GetTimestamp();
            var wanted = new List<(ChunkRef Chunk, long Offset)>();
            // As large as this file's largest chunk, not the chunker's maximum: 64 small files at a time
            // each held a 256 KiB array, which the shared pool then kept (docs/daemon.md, "Peak RSS").
            var buffer = ArrayPool<byte>.Shared.Rent(LargestChunk(manifest));
            try
            {
                long offset = 0;
                for (var i = 0; i < manifest.Chunks.Count; i++)
                {
                    var chunk = manifest.Chunks[i];
                    var length = (int)chunk.Length;
                    var span = buffer.AsSpan(0, length);
                    if (!(copied is not null && copied[i]) &&
                        !(offset + length <= existing && ReadExactly(handle, span, offset) && LocalChunkReader.HashMatches(span, chunk.Hash.Span)))
                    {
                        wanted.Add((chunk, offset));
                    }

                    offset += length;
                }

                // One lookup for all the chunks still wanted, not one query (and one wait for the
                // store's lock) per chunk.
                var places = wanted.Count == 0 ? [] : _engine.Store.FindLocalChunks(wanted.Select(w => new ChunkHash(w.Chunk.Hash.Span)).ToList());
                foreach (var (chunk, chunkOffset) in wanted)
                {
                    var span = buffer.AsSpan(0, (int)chunk.Length);
                    if (places.TryGetValue(new ChunkHash(chunk.Hash.Span), out var locations) && TryCopyLocal(locations, chunk, span))
                    {
                        writer.Write(span, chunkOffset);
                    }
                    else
                    {
                        missing.Add((chunk, chunkOffset));
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            var localDone = _engine.Time.GetTimestamp();
            if (missing.Count == 1)
            {
                using var data = await FetchAsync(need, missing[0].Chunk, missing[0].Offset, ct).ConfigureAwait(false);
                writer.Write(data.Span, missing[0].Offset);
            }
            else if (missing.Count > 1)
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = _engine.Options.MaxParallelRequestsPerFile, CancellationToken = ct };
                await Parallel.ForEachAsync(missing, options, async (item, token) =>
                {
                    using var data = await FetchAsync(need, item.Chunk, item.Offset, token).ConfigureAwait(false);
                    writer.Write(data.Span, item.Offset);
                }).ConfigureAwait(false);
            }

            writer.Finish();
            Fs.SetLength(handle, (long)manifest.Size);
            var fetchDone = _engine.Time.GetTimestamp();
            if (flush)
            {
                Fs.Flush(handle);
            }

            if (flush || (long)manifest.Size > SmallFileBytes)
            {
                _logger.LogDebug("Folder {Folder}: {Name} assembled: old version copied {Copy:F1} ms ({Reused} of {Chunks} chunks), other local chunks {Local:F1} ms, {Fetched} chunks fetched {Fetch:F1} ms ({Direct} bytes by direct writes), fsync {Flush}",
                    _folder.Id, need.Entry.Name, _engine.Time.GetElapsedTime(started, copyDone).TotalMilliseconds, copied?.Count(c => c) ?? 0, manifest.Chunks.Count,
                    _engine.Time.GetElapsedTime(copyDone, localDone).TotalMilliseconds, missing.Count, _engine.Time.GetElapsedTime(localDone, fetchDone).TotalMilliseconds,
                    writer.DirectBytes, flush ? $"{_engine.Time.GetElapsedTime(fetchDone).TotalMilliseconds:F1} ms" : "after the commit");
            }

            if (!flush)
            {
                writer.Dispose();
                return handle;
            }
        }
        catch
        {
            // Chunks still held for direct writes go to the file first: the next pass resumes from them.
            writer?.Dispose();
            handle.Dispose();
            throw;
        }

        writer.Dispose();
        handle.Dispose();
        return null;
    }

    // A batch that fails for want of space aborts the pass like any write that does.
    private async Task CommitOrAbortAsync(List<PendingFile> files, PullPass pass, CancellationTokenSource abort)
    {
        try
        {
            await CommitBatchAsync(files, pass, abort.Token).ConfigureAwait(false);
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            pass.Error = $"disk full while committing {files.Count} files: {ex.Message}";
            _logger.LogError("Folder {Folder}: {Error}; pulling pauses and resumes when space returns", _folder.Id, pass.Error);
            await abort.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Commits a batch of small files: one durability barrier for their data (<see cref="IFileSystem.FlushAll"/>:
    /// one syncfs on Linux instead of an fsync per file), then under the folder lock the
    /// same last look and rename as for any file, one fsync per directory touched, and one index
    /// transaction. A record is therefore committed only once both the data and the name are durable,
    /// and no file appears under its real name before its data is complete.
    /// </summary>
    /// <exception cref="IOException">The disk is full; other failures are logged and leave the files for the next pass.</exception>
    private async Task CommitBatchAsync(List<PendingFile> files, PullPass pass, CancellationToken ct)
    {
        if (files.Count == 0)
        {
            return;
        }

        try
        {
            Fs.FlushAll(files.Select(f => f.Handle).ToList());
        }
        catch (IOException ex) when (!IsDiskFull(ex))
        {
            _logger.LogWarning("Folder {Folder}: could not flush {Count} files: {Reason}", _folder.Id, files.Count, ex.Message);
            pass.Error = ex.Message;
            return;
        }
        finally
        {
            // Closed before the rename: some platforms cannot rename an open file.
            foreach (var file in files)
            {
                file.Handle.Dispose();
            }
        }

        var records = new List<(FileEntry Entry, ulong Inode)>(files.Count);
        var done = new List<Need>(files.Count);
        var directories = new HashSet<string>(StringComparer.Ordinal);
        await _folder.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            foreach (var file in files)
            {
                var need = file.Need;
                var name = need.Entry.Name;
                try
                {
                    if (ChangedLocallyDuringPull(need))
                    {
                        continue;
                    }

                    if (need.Conflict && need.Local is { Entry.Deleted: false })
                    {
                        KeepConflictCopy(need);
                    }

                    Fs.Rename(file.Temp, file.Path);
                    directories.Add(Path.GetDirectoryName(file.Path)!);
                    records.Add((WithVersion(need.Entry, need.Version), Fs.Stat(file.Path)?.Inode ?? 0));
                    done.Add(need);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && !(ex is IOException io && IsDiskFull(io)))
                {
                    _logger.LogWarning("Folder {Folder}: could not pull {Name}: {Reason}", _folder.Id, name, ex.Message);
                    pass.Error = $"{name}: {ex.Message}";
                }
            }

            if (records.Count > 0)
            {
                try
                {
                    Parallel.ForEach(directories, new ParallelOptions { MaxDegreeOfParallelism = FlushParallelism }, DirectoryFlush.Flush);
                }
                catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is IOException))
                {
                    // The files are in place but their names may not survive a power cut, so they are not
                    // recorded; the next pass finds them on disk, rescans and merges identical content.
                    _logger.LogWarning("Folder {Folder}: could not flush directories: {Reason}", _folder.Id, ex.InnerExceptions[0].Message);
                    pass.Error = ex.InnerExceptions[0].Message;
                    return;
                }

                _engine.Store.CommitLocal(_folder.Id, records);
                _folder.LocalChanged.Notify();
            }
        }
        finally
        {
            _folder.Gate.Release();
        }

        foreach (var need in done)
        {
            pass.Done[need.Entry.Name] = true;
            pass.Complete(need);
        }

        _folder.Status = new FolderStatus(FolderState.Syncing, pass.Remaining, pass.RemainingBytes, null);
    }

    private static bool ReadExactly(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = RandomAccess.Read(handle, destination[total..], offset + total);
            if (read == 0)
            {
                return false;
            }

            total += read;
        }

        return true;
    }

    // Copies the chunks that sit unchanged in the version of this file already on disk, in large ranges
    // (BaseFileCopy); returns which chunks are in place, or null when none are. Chunks from other
    // files, and all of them when the file changed under the copy, take the per-chunk path.
    private bool[]? CopyFromBase(Need need, Microsoft.Win32.SafeHandles.SafeFileHandle destination)
    {
        if (need.Local is not { Entry: { Deleted: false, Type: FileType.File, Manifest: { } old } } local)
        {
            return null;
        }

        var ranges = BaseFileCopy.Plan(old, need.Entry.Manifest);
        if (ranges.Count == 0)
        {
            return null;
        }

        try
        {
            if (!BaseFileCopy.TryCopy(_folder, need.Entry.Name, local, destination, ranges))
            {
                _logger.LogInformation("Folder {Folder}: {Name} on disk no longer matches its index record around the copy of its unchanged chunks; they are copied and verified one by one", _folder.Id, need.Entry.Name);
                return null;
            }
        }
        catch (Exception ex) when ((ex is IOException io && !IsDiskFull(io)) || ex is UnauthorizedAccessException)
        {
            _logger.LogDebug("Folder {Folder}: could not copy from the old {Name}: {Reason}", _folder.Id, need.Entry.Name, ex.Message);
            return null;
        }

        var copied = new bool[need.Entry.Manifest.Chunks.Count];
        foreach (var range in ranges)
        {
            Array.Fill(copied, true, range.FirstChunk, range.ChunkCount);
        }

        return copied;
    }

    private bool TryCopyLocal(List<ChunkLocation> locations, ChunkRef chunk, Span<byte> destination)
    {
        foreach (var location in locations)
        {
            if (location.Length == destination.Length && _engine.TryGetFolder(location.Folder, out var folder) &&
                LocalChunkReader.TryRead(folder, location.Name, location.Offset, destination, chunk.Hash.Span))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<ChunkBuffer> FetchAsync(Need need, ChunkRef chunk, long offset, CancellationToken ct)
    {
        var connections = _engine.ConnectionsFor(_folder.Id).Where(c => need.Holders.Contains(c.Remote)).ToList();
        if (connections.Count == 0)
        {
            throw new PullException("no connected peer has this version");
        }

        // Start at a random holder so that the chunks of one file spread over the peers that have it.
        var start = _engine.NextRandom(connections.Count);
        for (var i = 0; i < connections.Count; i++)
        {
            var connection = connections[(start + i) % connections.Count];
            try
            {
                var data = await connection.RequestAsync(_folder.Id, need.Entry.Name, offset, (int)chunk.Length, chunk.Hash, ct).ConfigureAwait(false);
                if (data.Length == chunk.Length && LocalChunkReader.HashMatches(data.Span, chunk.Hash.Span))
                {
                    _engine.CountFetched(data.Length);
                    return data;
                }

                data.Dispose();

                _logger.LogWarning("Folder {Folder}: {Device} sent data for {Name}@{Offset} that does not match its hash; rejected",
                    _folder.Id, connection.Remote.Short, need.Entry.Name, offset);
            }
            catch (Exception ex) when (ex is ChunkUnavailableException or LinkClosedException)
            {
                _logger.LogDebug("Folder {Folder}: chunk {Name}@{Offset} not from {Device}: {Reason}", _folder.Id, need.Entry.Name, offset, connection.Remote.Short, ex.Message);
            }
        }

        throw new PullException($"no peer delivered the chunk at offset {offset}");
    }

    // The file is not read a second time: the whole-file hash was checked against the chunk list when
    // the entry arrived (ManifestValidator), and every chunk in the file was checked against its hash
    // as it was fetched, copied from a local file or found in a resumed temporary file, so the content
    // is exactly the chunk list. What is left to check is that nothing else is in the file. (Small
    // files used to be re-read and re-chunked; for 20,000 files of a few KiB that was an open, a read,
    // a close and two hashes per file for no further assurance.)
    private void Verify(FileManifest expected, string temp, Microsoft.Win32.SafeHandles.SafeFileHandle? open)
    {
        long length;
        if (open is not null)
        {
            length = RandomAccess.GetLength(open);
        }
        else
        {
            using var handle = Fs.OpenRead(temp);
            length = RandomAccess.GetLength(handle);
        }

        if (length != (long)expected.Size)
        {
            open?.Dispose();
            Fs.DeleteFile(temp);
            throw new PullException("the assembled file has the wrong length");
        }
    }

    private void KeepConflictCopy(Need need)
    {
        var local = need.Local!.Entry;
        var name = ConflictName.For(local.Name, _engine.Time.GetUtcNow(), DeviceId.ShortOf(local.ModifiedBy));
        var path = _folder.PathOf(local.Name);
        var copyPath = _folder.PathOf(name);
        Fs.Rename(path, copyPath);
        var copy = local.Clone();
        copy.Name = name;
        copy.Version = VersionVector.Empty.Update(_engine.LocalDevice.ShortId).ToProto();
        copy.ModifiedBy = _engine.LocalDevice.ShortId;
        copy.Sequence = 0;
        Commit(copy, Fs.Stat(copyPath)?.Inode ?? 0);
        _logger.LogInformation("Folder {Folder}: concurrent change of {Name} kept as {Copy}", _folder.Id, local.Name, name);
    }

    /// <summary>
    /// Whether the name on disk (or one of its parents) is no longer what the index says; if so a
    /// rescan is asked for and the pull of this name waits for it.
    /// </summary>
    private bool ChangedLocallyDuringPull(Need need)
    {
        var name = need.Entry.Name;
        if (DiskMatchesIndex(name, need.Local) && _folder.CheckParents(name) is null)
        {
            return false;
        }

        _logger.LogInformation("Folder {Folder}: {Name} changed locally during the pull; rescanning before deciding", _folder.Id, name);
        _engine.RequestScan(_folder.Id, name);
        return true;
    }

    // True when the disk still holds what the local index says, i.e. there is no local change the
    // scanner has not seen yet.
    private bool DiskMatchesIndex(string name, StoredFile? local)
    {
        var stat = Fs.Stat(_folder.PathOf(name));
        if (local is null || local.Entry.Deleted)
        {
            return stat is null;
        }

        if (stat is not { } s)
        {
            return false;
        }

        return local.Entry.Type switch
        {
            FileType.Directory => s.Kind == FileKind.Directory,
            FileType.Symlink => s.Kind == FileKind.Symlink,
            _ => s.IsFileAsRecorded(local.Entry.Size, local.Entry.ModifiedNs, local.Inode),
        };
    }

    private static FileEntry WithVersion(FileEntry entry, VersionVector version)
    {
        var copy = entry.Clone();
        copy.Version = version.ToProto();
        return copy;
    }

    private void Commit(FileEntry entry, ulong inode)
    {
        _engine.Store.CommitLocal(_folder.Id, [(entry, inode)]);
        _folder.LocalChanged.Notify();
    }
    /// <summary>The shared state of one pull pass, touched by the parallel file pulls.</summary>
    private sealed class PullPass
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, string>? _caseIndex;
        private int _remaining;
        private long _remainingBytes;
        private string? _error;

        // Remaining counts include what earlier slices of the pass left undone (carried), so status
        // does not count down to zero once per slice.
        public PullPass(List<Need> needs, Dictionary<string, string>? caseIndex, (int Files, long Bytes) carried)
        {
            _caseIndex = caseIndex;
            _remaining = carried.Files + needs.Count;
            _remainingBytes = carried.Bytes + needs.Sum(n => n.Kind == NeedKind.File ? (long)n.Entry.Size : 0);
            Deletes = needs.Where(n => n.Kind == NeedKind.Delete).ToDictionary(n => n.Entry.Name, StringComparer.Ordinal);
        }

        /// <summary>Deletes of this pass by name, for satisfying renames by moving.</summary>
        public Dictionary<string, Need> Deletes { get; }

        /// <summary>Names finished in this pass (including old names consumed by a move).</summary>
        public ConcurrentDictionary<string, bool> Done { get; } = new(StringComparer.Ordinal);

        public int Remaining => Volatile.Read(ref _remaining);

        /// <summary>True when the pass was aborted (out of space) before it went through its needs.</summary>
        public bool Aborted { get; set; }

        public long RemainingBytes => Interlocked.Read(ref _remainingBytes);

        public string? Error
        {
            get => Volatile.Read(ref _error);
            set => Volatile.Write(ref _error, value);
        }

        public void Complete(Need need)
        {
            Interlocked.Decrement(ref _remaining);
            if (need.Kind == NeedKind.File)
            {
                Interlocked.Add(ref _remainingBytes, -(long)need.Entry.Size);
            }
        }

        /// <summary>Null when this file system can hold the name next to what is here; else why not.</summary>
        public string? ClaimName(string name)
        {
            if (OperatingSystem.IsWindows() && NameValidator.ReservedOnWindows(name))
            {
                return "reserved name on this file system";
            }

            if (_caseIndex is null)
            {
                return null;
            }

            lock (_gate)
            {
                if (_caseIndex.TryGetValue(name, out var existing) && !string.Equals(existing, name, StringComparison.Ordinal))
                {
                    return $"differs only in case from existing '{existing}', which this file system cannot hold side by side";
                }

                _caseIndex[name] = name;
                return null;
            }
        }
    }
}
