using Mesh.Chunking;
using Mesh.Proto;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Sync;

/// <summary>The puller's in-place route for a small same-length edit of a large file (<see cref="InPlacePatcher"/>).</summary>
internal sealed partial class FolderPuller
{
    // The changed chunks when the new version can be patched into the file on disk; null when it is to
    // be rebuilt in a temporary file. A losing local version is kept whole as a conflict copy, so a
    // conflict is never patched.
    private List<PatchRange>? PlanInPlace(Need need)
    {
        // A file still waiting for its durability barrier is rebuilt: a patch must not start from bytes a
        // power cut could take back.
        if (need.Conflict || Durability.IsPending(need.Entry.Name) || need.Local is not { Entry: { Deleted: false, Type: FileType.File, Manifest: { } old } } ||
            InPlacePatchPlan.TryPlan(old, need.Entry.Manifest) is not { } ranges)
        {
            return null;
        }

        if (Fs.Stat(PatchJournal.PathFor(_folder, need.Entry.Name)) is not null)
        {
            // An earlier patch failed and could not be put back: its journal holds the only copy of the old
            // bytes, so the file waits for the recovery at the next start rather than being overwritten.
            throw new PullException("an interrupted in-place patch of this file waits for recovery at the next start");
        }

        return ranges;
    }

    // Every new byte is fetched and verified before the file is touched; the patch itself runs under the
    // folder lock, so no scan sees the file between the journal and the commit.
    private async Task<bool> PatchInPlaceAsync(Need need, List<PatchRange> plan, CancellationToken ct)
    {
        var name = need.Entry.Name;
        var manifest = need.Entry.Manifest;
        var started = _engine.Time.GetTimestamp();
        var fetched = await Task.WhenAll(plan.Select(r => ChunkBytesAsync(need, manifest.Chunks[r.ChunkIndex], r.Offset, ct))).ConfigureAwait(false);
        var changes = plan.Select((r, i) => (r.Offset, fetched[i])).ToList();
        var fetchDone = _engine.Time.GetTimestamp();
        await _folder.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var patcher = new InPlacePatcher(_folder, _logger);
            if (patcher.Apply(need.Local!, WithVersion(need.Entry, need.Version), changes, Commit) == PatchOutcome.LocalChange)
            {
                _logger.LogInformation("Folder {Folder}: {Name} changed locally during the pull; rescanning before deciding", _folder.Id, name);
                _engine.RequestScan(_folder.Id, name);
                return false;
            }
        }
        finally
        {
            _folder.Gate.Release();
        }

        _logger.LogDebug("Folder {Folder}: {Name} patched in place: {Chunks} of {Total} chunks ({Bytes} bytes) obtained in {Fetch:F1} ms, journal, writes, fsync and commit {Patch:F1} ms",
            _folder.Id, name, plan.Count, manifest.Chunks.Count, changes.Sum(c => c.Item2.Length), _engine.Time.GetElapsedTime(started, fetchDone).TotalMilliseconds,
            _engine.Time.GetElapsedTime(fetchDone).TotalMilliseconds);
        return true;
    }

    // A chunk's bytes from any local file that has them, else from a holder; verified either way.
    private async Task<byte[]> ChunkBytesAsync(Need need, ChunkRef chunk, long offset, CancellationToken ct)
    {
        var bytes = new byte[chunk.Length];
        var hash = new ChunkHash(chunk.Hash.Span);
        if (_engine.Store.FindLocalChunks([hash]).TryGetValue(hash, out var locations) && TryCopyLocal(locations, chunk, bytes))
        {
            return bytes;
        }

        using var data = await FetchAsync(need, chunk, offset, ct).ConfigureAwait(false);
        data.Span.CopyTo(bytes);
        return bytes;
    }
}
