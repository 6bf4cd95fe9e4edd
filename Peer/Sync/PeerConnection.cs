using System.Buffers;
using System.Collections.Concurrent;
using Google.Protobuf;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Proto;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Sync;

/// <summary>
/// The engine's side of one link: says Hello, sends the local index (all of it, or only what the peer
/// has not confirmed), stores the peer's index, answers its chunk requests and carries ours. A
/// malformed message closes the link with a logged reason; unknown message kinds are skipped.
/// </summary>
internal sealed class PeerConnection
{
    private const int MaxConcurrentServes = 16;

    // One RequestBatch asks for at most this many chunks and bytes, and one ResponseBatch carries about
    // ResponseBatchBytes of data before the rest goes in the next one: a round of small files is one
    // message, and no message holds up the link for long. Requests for less than the smallest chunk
    // cut inside a file (whole small files, last chunks) may wait for the answers in flight.
    private const int MaxBatchRequests = 256;
    private const int RequestBatchBytes = 1024 * 1024;
    private const int ResponseBatchBytes = 256 * 1024;
    private const int HoldUpTo = 16;
    private static readonly int HoldBelowBytes = Mesh.Chunking.ChunkerParameters.All.Min(p => p.MinSize);

    // No request may ask for more than the largest chunk any known chunker cuts.
    private static readonly int LargestChunk = Mesh.Chunking.ChunkerParameters.All.Max(p => p.MaxSize);

    private readonly SyncEngine _engine;
    private readonly ILink _link;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _serveSlots = new(MaxConcurrentServes, MaxConcurrentServes);

    // The receive loop's list of the answers in a batch read in place; one loop, so one list.
    private readonly List<(ulong Id, ErrorCode Code, Range Data)> _batchAnswers = [];
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<(ErrorCode Code, ChunkBuffer? Data)>> _pending = new();
    private readonly ByteBudget _budget;
    private readonly HashSet<string> _fullIndexSeen = new(StringComparer.Ordinal);
    private readonly RequestCoalescer _coalescer;
    private readonly RecordedChunks _recorded;

    // Folders whose puller is to be woken once the rest of a cut batch of index updates is in (receive loop only).
    private readonly HashSet<string> _wakeHeld = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly IReadOnlySet<string>? _allowed;
    private HashSet<string> _shared = new(StringComparer.Ordinal);
    private ulong _nextRequestId;
    private bool _peerTakesBatches;
    private string? _stopReason;

    /// <summary>
    /// Creates the connection; <see cref="RunAsync"/> drives it. Only folders in <paramref name="allowed"/>
    /// (all of the engine's when null) are announced to, or taken from, this peer.
    /// </summary>
    public PeerConnection(SyncEngine engine, ILink link, ILogger logger, IReadOnlySet<string>? allowed = null)
    {
        _engine = engine;
        _link = link;
        _logger = logger;
        _allowed = allowed;
        _budget = new ByteBudget(engine.Options.MaxInFlightBytesPerLink);
        _coalescer = new RequestCoalescer(SendAsync, MaxBatchRequests, RequestBatchBytes, HoldBelowBytes, HoldUpTo);
        _recorded = new RecordedChunks(engine.Store);
    }

    /// <summary>The device at the other end.</summary>
    public DeviceId Remote => _link.RemoteDevice;

    /// <summary>The link, for its path and byte counters.</summary>
    public ILink Link => _link;

    /// <summary>True once Hello was exchanged and until the link ends.</summary>
    public bool IsReady { get; private set; }

    /// <summary>The folders shared on this link (both sides list them), once Hello was exchanged.</summary>
    public IReadOnlyCollection<string> SharedFolders => _shared;

    /// <summary>True when the folder is shared on this link.</summary>
    public bool Shares(string folder) => IsReady && _shared.Contains(folder);

    /// <summary>Runs the connection until the link closes or fails, or <paramref name="ct"/> fires.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        var token = linked.Token;
        var senders = new List<Task>();
        var reason = "link closed by peer";
        try
        {
            await SendAsync(new SyncEnvelope { Hello = BuildHello() }, token).ConfigureAwait(false);
            var hello = await ReceiveHelloAsync(token).ConfigureAwait(false);
            if (hello is null)
            {
                return;
            }

            var starts = new List<(SyncFolder Folder, ulong From, bool Full)>();
            var shared = new HashSet<string>(StringComparer.Ordinal);
            foreach (var theirs in hello.Folders)
            {
                if (!IsAllowed(theirs.Id) || !_engine.TryGetFolder(theirs.Id, out var folder) || !shared.Add(theirs.Id))
                {
                    continue;
                }

                var mine = _engine.Store.GetFolder(folder.Id);
                var delta = theirs.PeerIndexId == mine.IndexId && theirs.PeerMaxSequence <= mine.MaxSequence;
                starts.Add((folder, delta ? theirs.PeerMaxSequence : 0, !delta));
            }

            _shared = shared;
            _peerTakesBatches = hello.Features.Contains(SyncProtocol.RequestBatchFeature);
            IsReady = true;
            _logger.LogInformation("Link to {Device} ready over {Path}; sharing {Folders}", Remote.Short, _link.PathName, string.Join(",", shared));
            foreach (var (folder, from, full) in starts)
            {
                senders.Add(Task.Run(() => SendIndexAsync(folder, from, full, token), token));
                folder.PullWanted.Notify();
            }

            reason = await ReceiveLoopAsync(token).ConfigureAwait(false);
        }
        catch (LinkClosedException ex)
        {
            reason = ex.Message;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The log line is all an operator sees of a replaced link, so it says who stopped it.
            reason = Volatile.Read(ref _stopReason) ?? (ct.IsCancellationRequested ? "engine stopping" : "connection stopped");
        }
        finally
        {
            IsReady = false;
            await _stop.CancelAsync().ConfigureAwait(false);
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new LinkClosedException("The link ended."));
            }

            try
            {
                await Task.WhenAll(senders).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or LinkClosedException)
            {
                // Senders end with the link; their errors say nothing new.
            }

            await _link.CloseAsync().ConfigureAwait(false);
            _logger.LogInformation("Link to {Device} ended: {Reason}", Remote.Short, reason);
            foreach (var id in _shared)
            {
                if (_engine.TryGetFolder(id, out var folder))
                {
                    folder.PullWanted.Notify();
                }
            }
        }
    }

    /// <summary>
    /// Stops the connection (another link to the same device replaced it, its owner stopped it, or the
    /// engine stops); the first <paramref name="reason"/> given is the one logged.
    /// </summary>
    public void Stop(string reason)
    {
        Interlocked.CompareExchange(ref _stopReason, reason, null);
        _stop.Cancel();
    }

    /// <summary>Asks the peer for one chunk; the bytes are not yet verified, and the caller disposes them.</summary>
    /// <exception cref="ChunkUnavailableException">The peer answered with an error or did not answer in time.</exception>
    /// <exception cref="LinkClosedException">The link ended.</exception>
    public async Task<ChunkBuffer> RequestAsync(string folder, string name, long offset, int size, ByteString hash, CancellationToken ct)
    {
        await _budget.AcquireAsync(size, ct).ConfigureAwait(false);
        var id = Interlocked.Increment(ref _nextRequestId);
        var answer = new TaskCompletionSource<(ErrorCode Code, ChunkBuffer? Data)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var coalesced = false;
        try
        {
            if (!IsReady)
            {
                throw new LinkClosedException("The link is not ready.");
            }

            var request = new Request { Id = id, Folder = folder, Name = name, Offset = (ulong)offset, Size = (uint)size, Hash = hash };
            if (_peerTakesBatches)
            {
                // The sender may carry other callers' requests too, so it stops only with the link, not with this caller.
                coalesced = true;
                try
                {
                    await _coalescer.SendAsync(request, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new LinkClosedException("The link ended.");
                }
            }
            else
            {
                await SendAsync(new SyncEnvelope { Request = request }, ct).ConfigureAwait(false);
            }

            (ErrorCode Code, ChunkBuffer? Data) response;
            try
            {
                response = await answer.Task.WaitAsync(_engine.Options.RequestTimeout, _engine.Time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                throw new ChunkUnavailableException($"no answer from {Remote.Short} within {_engine.Options.RequestTimeout}", ex);
            }

            if (response.Code != ErrorCode.None || response.Data is null)
            {
                response.Data?.Dispose();
                throw new ChunkUnavailableException(response.Code);
            }

            return response.Data;
        }
        finally
        {
            _pending.TryRemove(id, out _);
            _budget.Release(size);
            if (coalesced)
            {
                await FinishCoalescedAsync().ConfigureAwait(false);
            }
        }
    }

    // Sends what the coalescer held for this answer; a failure there is the link's, and is met by the
    // requests it carried, not by this one, whose outcome is already decided.
    private async Task FinishCoalescedAsync()
    {
        try
        {
            await _coalescer.Finished(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LinkClosedException or OperationCanceledException)
        {
            // The link is ending; RunAsync fails every request still waiting.
        }
    }

    private bool IsAllowed(string folder) => _allowed is null || _allowed.Contains(folder);

    private Hello BuildHello()
    {
        var hello = new Hello
        {
            DeviceId = ByteString.CopyFrom(_engine.LocalDevice.Bytes),
            DeviceName = _engine.Options.DeviceName,
            ClientVersion = "mesh " + SyncProtocol.Version,
            Features = { SyncProtocol.RequestBatchFeature },
        };
        foreach (var folder in _engine.Folders.Where(f => IsAllowed(f.Id)))
        {
            var mine = _engine.Store.GetFolder(folder.Id);
            var theirs = _engine.Store.GetPeerProgress(folder.Id, Remote);
            hello.Folders.Add(new FolderHello
            {
                Id = folder.Id,
                IndexId = mine.IndexId,
                MaxSequence = mine.MaxSequence,
                PeerIndexId = theirs.IndexId,
                PeerMaxSequence = theirs.MaxSequence,
            });
        }

        return hello;
    }

    private async Task<Hello?> ReceiveHelloAsync(CancellationToken ct)
    {
        while (true)
        {
            var message = await _link.ReceiveAsync(ct).ConfigureAwait(false);
            if (message is null)
            {
                return null;
            }

            if (!SyncProtocol.TryDecode(message.Value.Span, out var envelope, out var error))
            {
                await CloseWithAsync(error!, ct).ConfigureAwait(false);
                return null;
            }

            switch (envelope.BodyCase)
            {
                case SyncEnvelope.BodyOneofCase.Hello:
                    if (!DeviceId.TryFromBytes(envelope.Hello.DeviceId.Span, out var claimed) || claimed != Remote)
                    {
                        await CloseWithAsync("Hello names a different device than the link authenticated", ct).ConfigureAwait(false);
                        return null;
                    }

                    return envelope.Hello;
                case SyncEnvelope.BodyOneofCase.None:
                case SyncEnvelope.BodyOneofCase.Ping:
                    continue;
                default:
                    await CloseWithAsync($"{envelope.BodyCase} before Hello", ct).ConfigureAwait(false);
                    return null;
            }
        }
    }

    private async Task<string> ReceiveLoopAsync(CancellationToken ct)
    {
        while (true)
        {
            var message = await _link.ReceiveAsync(ct).ConfigureAwait(false);
            if (message is null)
            {
                return "link closed by peer";
            }

            // Chunk responses are most of the traffic of a pull: read in place, their bytes copied once
            // into a pooled buffer, with no protobuf objects in between.
            if (ResponseReader.TryRead(message.Value.Span, out var responseId, out var code, out var data))
            {
                Answer(responseId, code, message.Value.Span[data]);
                continue;
            }

            if (ResponseReader.TryReadBatch(message.Value.Span, _batchAnswers))
            {
                foreach (var (id, batchCode, range) in _batchAnswers)
                {
                    Answer(id, batchCode, message.Value.Span[range]);
                }

                continue;
            }

            if (!SyncProtocol.TryDecode(message.Value.Span, out var envelope, out var error))
            {
                await CloseWithAsync(error!, ct).ConfigureAwait(false);
                return error!;
            }

            switch (envelope.BodyCase)
            {
                case SyncEnvelope.BodyOneofCase.Index:
                    OnIndex(envelope.Index.Folder, envelope.Index.IndexId, envelope.Index.Files, full: true, more: false);
                    break;
                case SyncEnvelope.BodyOneofCase.IndexUpdate:
                    OnIndex(envelope.IndexUpdate.Folder, envelope.IndexUpdate.IndexId, envelope.IndexUpdate.Files, full: false, more: envelope.IndexUpdate.More);
                    break;
                case SyncEnvelope.BodyOneofCase.Request:
                    await _serveSlots.WaitAsync(ct).ConfigureAwait(false);
                    var request = envelope.Request;
                    _ = Task.Run(() => ServeAsync(request, ct), ct);
                    break;
                case SyncEnvelope.BodyOneofCase.RequestBatch:
                    await _serveSlots.WaitAsync(ct).ConfigureAwait(false);
                    var requests = envelope.RequestBatch.Requests;
                    _ = Task.Run(() => ServeBatchAsync(requests, ct), ct);
                    break;
                case SyncEnvelope.BodyOneofCase.Response:
                    Answer(envelope.Response.Id, envelope.Response.Code, envelope.Response.Data.Span);
                    break;
                case SyncEnvelope.BodyOneofCase.ResponseBatch:
                    foreach (var response in envelope.ResponseBatch.Responses)
                    {
                        Answer(response.Id, response.Code, response.Data.Span);
                    }

                    break;
                case SyncEnvelope.BodyOneofCase.Close:
                    return "peer closed: " + envelope.Close.Reason;
                case SyncEnvelope.BodyOneofCase.Hello:
                    await CloseWithAsync("second Hello", ct).ConfigureAwait(false);
                    return "second Hello";
                default:
                    // Ping, or a message kind from a newer version: nothing to do.
                    break;
            }
        }
    }

    private void OnIndex(string folderId, ulong indexId, IList<FileEntry> files, bool full, bool more)
    {
        if (!_shared.Contains(folderId) || !_engine.TryGetFolder(folderId, out var folder))
        {
            _logger.LogWarning("Index from {Device} for folder {Folder}, which is not shared with it; ignored", Remote.Short, folderId);
            return;
        }

        var accepted = new List<FileEntry>(files.Count);
        foreach (var entry in files)
        {
            if (EntryValidator.Check(entry) is { } problem)
            {
                _logger.LogWarning("Rejected entry {Name} from {Device} in {Folder}: {Reason}", entry.Name, Remote.Short, folderId, problem);
                continue;
            }

            accepted.Add(entry);
        }

        var replace = full && _fullIndexSeen.Add(folderId);
        // An update that only confirms what this device has (a peer announcing the files it just pulled
        // from here) changes no need; planning the whole folder again for it would cost a join per batch.
        // With more to come at once, planning now would see half of a change: new names of a renamed
        // directory without the deletes of the old ones, which makes copies instead of one move.
        var wake = _engine.Store.StoreRemote(folderId, Remote, indexId, accepted, replace) || folder.Status.NeedFiles > 0;
        _logger.LogDebug("Index {Kind} from {Device} for {Folder}: {Count} entries stored, more {More}, wakes the puller {Wake}",
            full ? "full" : "update", Remote.Short, folderId, accepted.Count, more, wake);
        if (more)
        {
            if (wake)
            {
                _wakeHeld.Add(folderId);
            }

            return;
        }

        if (_wakeHeld.Remove(folderId) || wake)
        {
            folder.PullWanted.Notify();
        }
    }

    // An answer nobody waits for any more (timed out, cancelled) is dropped; its buffer goes back at once.
    private void Answer(ulong id, ErrorCode code, ReadOnlySpan<byte> data)
    {
        if (!_pending.TryGetValue(id, out var waiter))
        {
            return;
        }

        var buffer = code == ErrorCode.None ? ChunkBuffer.CopyOf(data) : null;
        if (!waiter.TrySetResult((code, buffer)))
        {
            buffer?.Dispose();
        }
    }

    private async Task ServeAsync(Request request, CancellationToken ct)
    {
        byte[]? buffer = null;
        try
        {
            var code = Check(request, out var folder);
            if (code == ErrorCode.None)
            {
                // The chunk is read where it sits in the finished message (link framing, envelope, data),
                // so from the file to TLS it is not copied once.
                var size = (int)request.Size;
                var room = _link.FrameRoom;
                var prefix = ResponseWriter.PrefixLength(request.Id, size);
                buffer = ArrayPool<byte>.Shared.Rent(room + prefix + size);
                if (FindChunk(folder!, request, buffer.AsSpan(room + prefix, size)))
                {
                    ResponseWriter.WritePrefix(buffer.AsSpan(room, prefix), request.Id, size);
                    await SendWithRoomAsync(buffer.AsMemory(0, room + prefix + size), ct).ConfigureAwait(false);
                    return;
                }

                code = ErrorCode.InvalidFile;
            }

            await SendAsync(new SyncEnvelope { Response = new Response { Id = request.Id, Code = code } }, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LinkClosedException or OperationCanceledException)
        {
            // The link is gone; the requester retries elsewhere.
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _serveSlots.Release();
        }
    }

    // Each request of a batch is answered as if it came alone (a missing chunk is an error code for that
    // request only); the answers go out in messages of about ResponseBatchBytes of data each. A message
    // whose chunks are all found is laid out by hand, each chunk read from its file straight into it;
    // one with a missing chunk is built the general way.
    private async Task ServeBatchAsync(IList<Request> requests, CancellationToken ct)
    {
        try
        {
            var first = 0;
            while (first < requests.Count)
            {
                var end = first;
                var bytes = 0L;
                while (end < requests.Count && bytes < ResponseBatchBytes)
                {
                    bytes += requests[end].Size;
                    end++;
                }

                if (!await TrySendInPlaceAsync(requests, first, end, ct).ConfigureAwait(false))
                {
                    await SendBuiltAsync(requests, first, end, ct).ConfigureAwait(false);
                }

                first = end;
            }
        }
        catch (Exception ex) when (ex is LinkClosedException or OperationCanceledException)
        {
            // The link is gone; the requester retries elsewhere.
        }
        finally
        {
            _serveSlots.Release();
        }
    }

    // Requests first..end-1 answered in one ResponseBatch read in place; false, with nothing sent, when
    // one of them cannot be answered with its data.
    private async Task<bool> TrySendInPlaceAsync(IList<Request> requests, int first, int end, CancellationToken ct)
    {
        var entries = 0;
        for (var i = first; i < end; i++)
        {
            var request = requests[i];
            if (Check(request, out _) != ErrorCode.None)
            {
                return false;
            }

            entries += ResponseWriter.BatchEntryPrefixLength(request.Id, (int)request.Size) + (int)request.Size;
        }

        var room = _link.FrameRoom;
        var header = ResponseWriter.BatchHeaderLength(entries);
        var buffer = ArrayPool<byte>.Shared.Rent(room + header + entries);
        try
        {
            var position = room + header;
            for (var i = first; i < end; i++)
            {
                var request = requests[i];
                var size = (int)request.Size;
                var prefix = ResponseWriter.BatchEntryPrefixLength(request.Id, size);
                ResponseWriter.WriteBatchEntryPrefix(buffer.AsSpan(position, prefix), request.Id, size);
                position += prefix;
                _ = Check(request, out var folder);
                if (!FindChunk(folder!, request, buffer.AsSpan(position, size)))
                {
                    return false;
                }

                position += size;
            }

            ResponseWriter.WriteBatchHeader(buffer.AsSpan(room, header), entries);
            await SendWithRoomAsync(buffer.AsMemory(0, position), ct).ConfigureAwait(false);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendBuiltAsync(IList<Request> requests, int first, int end, CancellationToken ct)
    {
        var rented = new List<byte[]>(end - first);
        try
        {
            var batch = new ResponseBatch();
            for (var i = first; i < end; i++)
            {
                batch.Responses.Add(Answer(requests[i], rented));
            }

            await SendAsync(new SyncEnvelope { ResponseBatch = batch }, ct).ConfigureAwait(false);
        }
        finally
        {
            ReturnAll(rented);
        }
    }

    private static void ReturnAll(List<byte[]> rented)
    {
        foreach (var buffer in rented)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        rented.Clear();
    }

    // The answer's data lives in a buffer added to rented, which the caller returns once it is sent.
    private Response Answer(Request request, List<byte[]> rented)
    {
        var response = new Response { Id = request.Id, Code = Check(request, out var folder) };
        if (response.Code == ErrorCode.None)
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)request.Size);
            rented.Add(buffer);
            var data = buffer.AsMemory(0, (int)request.Size);
            if (FindChunk(folder!, request, data.Span))
            {
                response.Data = UnsafeByteOperations.UnsafeWrap(data);
            }
            else
            {
                response.Code = ErrorCode.InvalidFile;
            }
        }

        return response;
    }

    // Whether a request may be served at all: a folder shared with this peer, and a size and hash a chunk can have.
    private ErrorCode Check(Request request, out SyncFolder? folder)
    {
        folder = null;
        if (!_shared.Contains(request.Folder) || !_engine.TryGetFolder(request.Folder, out folder))
        {
            return ErrorCode.NoSuchFolder;
        }

        return request.Size == 0 || request.Size > LargestChunk || request.Hash.Length != Mesh.Chunking.ChunkHash.Size
            ? ErrorCode.Generic
            : ErrorCode.None;
    }

    // The name and offset are where the requester saw the chunk; if the file changed since, the chunk
    // may still sit in another local file of a folder shared with this peer.
    private bool FindChunk(SyncFolder folder, Request request, Span<byte> destination)
    {
        if (LocalChunkReader.TryRead(folder, request.Name, (long)request.Offset, destination, request.Hash.Span, _recorded))
        {
            return true;
        }

        foreach (var location in _engine.Store.FindLocalChunk(request.Hash.Span))
        {
            if (location.Length == destination.Length && _shared.Contains(location.Folder) && _engine.TryGetFolder(location.Folder, out var other) &&
                LocalChunkReader.TryRead(other, location.Name, location.Offset, destination, request.Hash.Span))
            {
                return true;
            }
        }

        return false;
    }

    private async Task SendIndexAsync(SyncFolder folder, ulong from, bool full, CancellationToken ct)
    {
        var sent = from;
        var first = full;
        var spacing = new RunSpacing(_engine.Options.IndexDebounce, _engine.Time);
        while (!ct.IsCancellationRequested)
        {
            var changed = folder.LocalChanged.Next;

            // One message's entries in one read (the one that does not fit opens the next message, so
            // "more" is never left dangling), sent as stored, without decoding them.
            var (batch, last, cut) = _engine.Store.ReadLocalSince(folder.Id, sent, _engine.Options.IndexBatchBytes);
            sent = last;

            if (batch.Count == 0 && !first)
            {
                await changed.WaitAsync(ct).ConfigureAwait(false);

                // Local commits come one file at a time while pulling; sending at most once per
                // IndexDebounce turns them into batches, while a commit after a quiet spell goes at once.
                await spacing.WaitAsync(ct).ConfigureAwait(false);
                continue;
            }

            var indexId = _engine.Store.GetFolder(folder.Id).IndexId;
            var whole = first;
            first = false;
            await SendEncodedAsync(IndexMessageWriter.Write(whole, folder.Id, indexId, batch, cut), ct).ConfigureAwait(false);
            spacing.Ended();
            _logger.LogDebug("Index {Kind} to {Device} for {Folder}: {Count} entries up to sequence {Sequence}, more {More}",
                whole ? "full" : "update", Remote.Short, folder.Id, batch.Count, sent, cut);
        }
    }

    private async Task CloseWithAsync(string reason, CancellationToken ct)
    {
        _logger.LogWarning("Closing link to {Device}: {Reason}", Remote.Short, reason);
        try
        {
            await SendAsync(new SyncEnvelope { Close = new Close { Reason = reason } }, ct).ConfigureAwait(false);
        }
        catch (LinkClosedException)
        {
            // Already gone.
        }
    }

    private async Task SendWithRoomAsync(Memory<byte> buffer, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _link.SendWithRoomAsync(buffer, ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendEncodedAsync(byte[] message, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _link.SendAsync(message, ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendAsync(SyncEnvelope envelope, CancellationToken ct)
    {
        envelope.Version = SyncProtocol.Version;
        var size = envelope.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            envelope.WriteTo(buffer.AsSpan(0, size));
            await _sendLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await _link.SendAsync(buffer.AsMemory(0, size), ct).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
