using Mesh.Simulator.Time;

namespace Mesh.Simulator.Network;

/// <summary>
/// One direction pair of a virtual TCP connection. Writes are copied and delivered to the peer after the
/// one-way latency by the clock; reads wait for data. Read continuations run on the scheduler's thread
/// (the completion sources are synchronous on purpose), which keeps runs deterministic.
/// </summary>
internal sealed class VirtualTcpStream : Stream
{
    private readonly VirtualClock _clock;
    private readonly TimeSpan _oneWay;
    private readonly Queue<ArraySegment<byte>> _received = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource<bool>? _readable;
    private bool _peerClosed;
    private bool _closed;

    public VirtualTcpStream(VirtualClock clock, TimeSpan oneWay)
    {
        _clock = clock;
        _oneWay = oneWay;
    }

    public VirtualTcpStream? Peer { get; set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            TaskCompletionSource<bool> readable;
            lock (_gate)
            {
                if (_received.Count > 0)
                {
                    return Take(buffer.Span);
                }

                if (_peerClosed || _closed)
                {
                    return 0;
                }

                _readable ??= new TaskCompletionSource<bool>();
                readable = _readable;
            }

            await readable.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (buffer.IsEmpty)
        {
            return;
        }

        var copy = buffer.ToArray();
        var peer = Peer!;
        _clock.Schedule(_oneWay, () => peer.Arrive(copy));
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed)
        {
            _closed = true;
            var peer = Peer;
            if (peer is not null)
            {
                _clock.Schedule(_oneWay, peer.PeerFinished);
            }

            Wake();
        }

        base.Dispose(disposing);
    }

    private int Take(Span<byte> destination)
    {
        var copied = 0;
        while (copied < destination.Length && _received.TryPeek(out var chunk))
        {
            var n = Math.Min(chunk.Count, destination.Length - copied);
            chunk.AsSpan(0, n).CopyTo(destination[copied..]);
            copied += n;
            _received.Dequeue();
            if (n < chunk.Count)
            {
                // Put the rest back at the front by rebuilding the queue; partial reads are rare.
                var rest = new Queue<ArraySegment<byte>>();
                rest.Enqueue(chunk[n..]);
                while (_received.TryDequeue(out var more))
                {
                    rest.Enqueue(more);
                }

                while (rest.TryDequeue(out var again))
                {
                    _received.Enqueue(again);
                }
            }
        }

        return copied;
    }

    private void Arrive(byte[] data)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _received.Enqueue(data);
        }

        Wake();
    }

    private void PeerFinished()
    {
        lock (_gate)
        {
            _peerClosed = true;
        }

        Wake();
    }

    private void Wake()
    {
        TaskCompletionSource<bool>? readable;
        lock (_gate)
        {
            readable = _readable;
            _readable = null;
        }

        readable?.TrySetResult(true);
    }
}
