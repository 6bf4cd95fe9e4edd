using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>
/// Sends chunk requests to a peer that takes <see cref="RequestBatch"/>, several per message where
/// that costs no waiting on a timer. Two rules, as Nagle's algorithm has for TCP segments: a request
/// made while another is being sent queues, and the next send takes everything queued; and a small
/// request (under <paramref name="holdBelowBytes"/>, such as a whole file of a few KiB) made while
/// earlier requests are still unanswered is held until they all are answered (<see cref="Finished"/>),
/// until <paramref name="holdUpTo"/> requests wait, or until another request is sent — whichever comes
/// first. Thousands of small files therefore go as messages of many requests instead of one message,
/// encode, frame and (on the other side) task per file, while several such messages stay in flight
/// (holding until everything is answered would run the link in lock-step rounds); large chunks are
/// never held.
/// </summary>
internal sealed class RequestCoalescer(Func<SyncEnvelope, CancellationToken, Task> send, int maxRequests, long maxBytes, int holdBelowBytes, int holdUpTo)
{
    private readonly Lock _gate = new();
    private List<Request> _queued = [];
    private long _queuedBytes;
    private int _outstanding;
    private bool _sending;
    private int _messagesSent;

    /// <summary>Messages sent, for tests: fewer than requests when batches formed.</summary>
    public int MessagesSent => Volatile.Read(ref _messagesSent);

    /// <summary>
    /// Queues <paramref name="request"/> and, unless it is held or another caller is sending already
    /// (that one takes it too), sends until the queue is empty. Returns once the request is queued or
    /// sent; every request must be followed by one <see cref="Finished"/> when its answer is in or
    /// abandoned.
    /// </summary>
    public Task SendAsync(Request request, CancellationToken ct)
    {
        lock (_gate)
        {
            _queued.Add(request);
            _queuedBytes += request.Size;
            _outstanding++;
            var hold = request.Size < holdBelowBytes && _outstanding > _queued.Count && _queued.Count < holdUpTo && _queuedBytes < maxBytes;
            if (_sending || hold)
            {
                return Task.CompletedTask;
            }

            _sending = true;
        }

        return DrainAsync(ct);
    }

    /// <summary>
    /// One request sent through here was answered (or timed out, or failed); when none is left
    /// unanswered, what is held goes out.
    /// </summary>
    public Task Finished(CancellationToken ct)
    {
        lock (_gate)
        {
            _outstanding--;
            if (_sending || _queued.Count == 0 || _outstanding > _queued.Count)
            {
                return Task.CompletedTask;
            }

            _sending = true;
        }

        return DrainAsync(ct);
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        try
        {
            while (TakeNext() is { } batch)
            {
                var envelope = batch.Count == 1
                    ? new SyncEnvelope { Request = batch[0] }
                    : new SyncEnvelope { RequestBatch = new RequestBatch { Requests = { batch } } };
                Interlocked.Increment(ref _messagesSent);
                await send(envelope, ct).ConfigureAwait(false);
            }
        }
        catch
        {
            // The link failed or is stopping (its waiters are failed with it); whoever comes next sends what is left.
            lock (_gate)
            {
                _sending = false;
            }

            throw;
        }
    }

    // Null (and no longer sending) when the queue is empty; otherwise the next message's requests.
    private List<Request>? TakeNext()
    {
        lock (_gate)
        {
            if (_queued.Count == 0)
            {
                _sending = false;
                return null;
            }

            var count = 0;
            long bytes = 0;
            while (count < _queued.Count && count < maxRequests && (count == 0 || bytes + _queued[count].Size <= maxBytes))
            {
                bytes += _queued[count].Size;
                count++;
            }

            _queuedBytes -= bytes;
            if (count == _queued.Count)
            {
                var all = _queued;
                _queued = [];
                return all;
            }

            var taken = _queued.GetRange(0, count);
            _queued.RemoveRange(0, count);
            return taken;
        }
    }
}
