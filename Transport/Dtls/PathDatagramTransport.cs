using System.Buffers;
using System.Runtime.CompilerServices;
using Mesh.Transport.Net;
using Org.BouncyCastle.Tls;

namespace Mesh.Transport.Dtls;

/// <summary>
/// Adapts a push-based <see cref="IDatagramPath"/> to BouncyCastle's pull-based
/// <see cref="DatagramTransport"/>: datagrams the path pushes are copied into pooled buffers and queued
/// until BouncyCastle asks for one, waiting at most the time it allows.
/// </summary>
internal sealed class PathDatagramTransport : DatagramTransport
{
    private readonly IDatagramPath _path;
    private readonly int _receiveLimit;
    private readonly int _queueLimit;
    private readonly Queue<(byte[] Buffer, int Length)> _queue = new();
    private readonly object _gate = new();
    private bool _closed;
    private readonly Lock _sendGate = new();
    private volatile FastPath? _fastPath;
    private int _fastPathBusy;
    private long _highestSentSequence = -1;
    private ApplicationDataWriter? _writer;

    public PathDatagramTransport(IDatagramPath path, int receiveLimit, int queueLimit)
    {
        _path = path;
        _receiveLimit = receiveLimit;
        _queueLimit = queueLimit;
        path.Start(OnDatagram);
    }

    /// <summary>
    /// From now on, datagrams <paramref name="reader"/> recognises are decrypted on the path's thread and
    /// go straight to <paramref name="handler"/>; the rest still queue for BouncyCastle.
    /// </summary>
    public void EnableFastPath(ApplicationDataReader reader, DatagramHandler handler) => _fastPath = new FastPath(reader, handler);

    /// <summary>Stops the fast path; returns its reader, if any, for the caller to dispose.</summary>
    public ApplicationDataReader? DisableFastPath()
    {
        var fastPath = _fastPath;
        _fastPath = null;
        return fastPath?.Reader;
    }

    /// <summary>Datagrams dropped because the queue was full or they were too large.</summary>
    public long Dropped { get; private set; }

    public int GetReceiveLimit() => _receiveLimit;

    public int GetSendLimit() => _path.MaxDatagramSize;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        (byte[] Buffer, int Length) item;
        lock (_gate)
        {
            var deadline = Environment.TickCount64 + Math.Max(waitMillis, 0);
            while (_queue.Count == 0)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    throw new TlsTimeoutException();
                }

                Monitor.Wait(_gate, (int)remaining);
            }

            item = _queue.Dequeue();
        }

        var length = Math.Min(item.Length, buffer.Length);
        item.Buffer.AsSpan(0, length).CopyTo(buffer);
        ArrayPool<byte>.Shared.Return(item.Buffer);
        return length;
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (_closed)
        {
            return;
        }

        ApplicationDataWriter? writer;
        lock (_sendGate)
        {
            writer = _writer;
            if (writer is null)
            {
                // Until a writer takes over the epoch, remember how far BouncyCastle's sequence got.
                _highestSentSequence = Math.Max(_highestSentSequence, ApplicationDataWriter.HighestSequence(buffer, WriterEpoch));
                _path.Send(buffer);
                return;
            }
        }

        writer.Reseal(buffer, _path);
    }

    /// <summary>The epoch the handshake establishes, the one an <see cref="ApplicationDataWriter"/> seals.</summary>
    public const ushort WriterEpoch = 1;

    /// <summary>The path beneath, for records sealed outside BouncyCastle.</summary>
    public IDatagramPath Path => _path;

    /// <summary>
    /// Hands this side's records of <see cref="WriterEpoch"/> to the writer <paramref name="create"/> makes,
    /// given the first sequence number BouncyCastle has not used; from now on BouncyCastle's own records
    /// of that epoch are re-sealed by it.
    /// </summary>
    public ApplicationDataWriter EnableWriter(Func<ulong, ApplicationDataWriter> create)
    {
        lock (_sendGate)
        {
            _writer = create((ulong)(_highestSentSequence + 1));
            return _writer;
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            while (_queue.Count > 0)
            {
                ArrayPool<byte>.Shared.Return(_queue.Dequeue().Buffer);
            }

            Monitor.PulseAll(_gate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        // One datagram at a time on the fast path: its reader decrypts into one buffer. A second thread, or
        // the same one re-entering through a synchronous path, falls back to the queue instead of waiting.
        if (_fastPath is { } fastPath && Interlocked.CompareExchange(ref _fastPathBusy, 1, 0) == 0)
        {
            try
            {
                if (fastPath.Reader.TryRead(datagram, fastPath.Handler))
                {
                    return;
                }
            }
            finally
            {
                Volatile.Write(ref _fastPathBusy, 0);
            }
        }

        if (datagram.Length > _receiveLimit || datagram.IsEmpty)
        {
            Dropped++;
            return;
        }

        lock (_gate)
        {
            if (_closed || _queue.Count >= _queueLimit)
            {
                Dropped++;
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
            datagram.CopyTo(buffer);
            _queue.Enqueue((buffer, datagram.Length));
            Monitor.Pulse(_gate);
        }
    }

    private sealed record FastPath(ApplicationDataReader Reader, DatagramHandler Handler);
}
