namespace Mesh.Peer.Sync;

/// <summary>
/// Bounds the bytes in flight on one link: a request waits until its size fits. Waiters are served in
/// order, and one request larger than the whole budget is let through alone rather than never.
/// </summary>
internal sealed class ByteBudget
{
    private readonly long _capacity;
    private readonly Queue<(long Bytes, TaskCompletionSource Ready)> _waiters = new();
    private readonly Lock _gate = new();
    private long _used;

    /// <summary>A budget of <paramref name="capacity"/> bytes.</summary>
    public ByteBudget(long capacity) => _capacity = capacity;

    /// <summary>Bytes taken now.</summary>
    public long InUse
    {
        get
        {
            lock (_gate)
            {
                return _used;
            }
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> fit, then takes them.</summary>
    public async Task AcquireAsync(long bytes, CancellationToken ct)
    {
        TaskCompletionSource ready;
        lock (_gate)
        {
            if (_waiters.Count == 0 && (_used + bytes <= _capacity || _used == 0))
            {
                _used += bytes;
                return;
            }

            ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue((bytes, ready));
        }

        try
        {
            await ready.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                if (ready.Task.IsCompletedSuccessfully)
                {
                    // Granted just as we gave up: hand the bytes back.
                    ReleaseLocked(bytes);
                }
                else
                {
                    ready.TrySetCanceled(ct);
                }
            }

            throw;
        }
    }

    /// <summary>Returns bytes taken by <see cref="AcquireAsync"/>.</summary>
    public void Release(long bytes)
    {
        lock (_gate)
        {
            ReleaseLocked(bytes);
        }
    }

    private void ReleaseLocked(long bytes)
    {
        _used -= bytes;
        while (_waiters.Count > 0)
        {
            var (next, ready) = _waiters.Peek();
            if (ready.Task.IsCanceled)
            {
                _waiters.Dequeue();
                continue;
            }

            if (_used + next > _capacity && _used != 0)
            {
                break;
            }

            _waiters.Dequeue();
            _used += next;
            ready.TrySetResult();
        }
    }
}
