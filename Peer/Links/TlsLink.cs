using System.Buffers;
using System.Net.Security;
using System.Security.Authentication;
using Mesh.Peer.Identity;
using Mesh.Peer.Sync;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Links;

/// <summary>
/// A link over TLS 1.3 on any duplex byte stream (TCP today, a SOCKS5 or IBB stream later), made by
/// <see cref="TlsLinkHandshake"/> once the peer's certificate proved its device ID. Each message
/// travels as one frame: a <see cref="FrameHeader"/> and the payload, which for large index messages
/// is zstd-compressed when that makes it smaller. A frame that breaks the rules (unknown flags, longer
/// than <see cref="MaxMessageSize"/>, a compressed payload that does not decode) ends the link with the
/// reason logged; the process goes on. Byte counters are the bytes on the wire beneath TLS.
/// </summary>
internal sealed class TlsLink : ILink
{
    private readonly SslStream _tls;
    private readonly CountingStream _wire;
    private readonly TlsLinkOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _abort = new();
    private readonly byte[] _header = new byte[FrameHeader.Size];
    private byte[] _payload = [];
    private byte[] _decompressed = [];
    private int _closed;

    /// <summary>Wraps an authenticated TLS stream; <paramref name="wire"/> is the stream beneath it.</summary>
    public TlsLink(SslStream tls, CountingStream wire, DeviceId remote, TlsLinkOptions options, ILogger logger)
    {
        _tls = tls;
        _wire = wire;
        _options = options;
        _logger = logger;
        RemoteDevice = remote;
    }

    /// <summary>The name of this path in status output.</summary>
    public const string Path = "tcp-tls";

    /// <inheritdoc />
    public DeviceId RemoteDevice { get; }

    /// <inheritdoc />
    public string PathName => Path;

    /// <inheritdoc />
    public int MaxMessageSize => _options.MaxMessageSize;

    /// <inheritdoc />
    public long BytesSent => _wire.BytesWritten;

    /// <inheritdoc />
    public long BytesReceived => _wire.BytesRead;

    /// <summary>The TLS 1.3 cipher suite the handshake settled on.</summary>
    public TlsCipherSuite CipherSuite => _tls.NegotiatedCipherSuite;

    /// <summary>Index messages sent compressed, for tests and status.</summary>
    public long CompressedMessagesSent { get; private set; }

    /// <summary>True once the link was closed or failed.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0 || _abort.IsCancellationRequested;

    /// <inheritdoc />
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        if (message.Length > MaxMessageSize)
        {
            throw new ArgumentException($"Message of {message.Length} bytes exceeds the link's {MaxMessageSize}.", nameof(message));
        }

        ThrowIfClosed();
        await _sendGate.WaitAsync(ct).ConfigureAwait(false);
        var frame = ArrayPool<byte>.Shared.Rent(FrameHeader.Size + message.Length);
        try
        {
            ThrowIfClosed();
            var flags = FrameFlags.None;
            var length = message.Length;
            var payload = frame.AsSpan(FrameHeader.Size, message.Length);
            if (message.Length >= _options.CompressionThreshold && IndexCompression.IsIndexMessage(message.Span) &&
                IndexCompression.TryCompress(message.Span, payload, _options.CompressionLevel, out var compressed))
            {
                flags = FrameFlags.Zstd;
                length = compressed;
                CompressedMessagesSent++;
            }
            else
            {
                message.Span.CopyTo(payload);
            }

            new FrameHeader(flags, length).WriteTo(frame);

            // The write is not cancelled by the caller's token: a frame cut in half would leave the
            // stream unusable. Only aborting the link stops it.
            await WriteFrameAsync(frame.AsMemory(0, FrameHeader.Size + length)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or AuthenticationException or OperationCanceledException)
        {
            Abort();
            throw new LinkClosedException("The link failed while sending: " + ex.Message, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
            _sendGate.Release();
        }
    }

    /// <inheritdoc />
    public int FrameRoom => FrameHeader.Size;

    // One frame's TLS records reach the socket in writes of several records each (CountingStream's
    // batch), not one write per 16 KiB record. Called under the send gate.
    private async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame)
    {
        if (frame.Length <= CountingStream.RecordPayload)
        {
            await _tls.WriteAsync(frame, _abort.Token).ConfigureAwait(false);
            return;
        }

        _wire.BeginBatch();
        try
        {
            await _tls.WriteAsync(frame, _abort.Token).ConfigureAwait(false);
            await _wire.EndBatchAsync(_abort.Token).ConfigureAwait(false);
        }
        finally
        {
            _wire.DiscardBatch();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The header goes into the room in front, so a chunk response read straight into its buffer
    /// reaches TLS without a copy. An index message that zstd may shrink takes the copying path.
    /// </remarks>
    public async ValueTask SendWithRoomAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var length = buffer.Length - FrameHeader.Size;
        if (length > MaxMessageSize)
        {
            throw new ArgumentException($"Message of {length} bytes exceeds the link's {MaxMessageSize}.", nameof(buffer));
        }

        if (length >= _options.CompressionThreshold && IndexCompression.IsIndexMessage(buffer.Span[FrameHeader.Size..]))
        {
            await SendAsync(buffer[FrameHeader.Size..], ct).ConfigureAwait(false);
            return;
        }

        ThrowIfClosed();
        await _sendGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            new FrameHeader(FrameFlags.None, length).WriteTo(buffer.Span);
            await WriteFrameAsync(buffer).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or AuthenticationException or OperationCanceledException)
        {
            Abort();
            throw new LinkClosedException("The link failed while sending: " + ex.Message, ex);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>A cancelled receive ends the link, since the stream may stop in the middle of a frame.</remarks>
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken ct)
    {
        ThrowIfClosed();

        // Aborting disposes the stream beneath, which wakes a pending read; no linked token is needed.
        try
        {
            var got = await _tls.ReadAtLeastAsync(_header, FrameHeader.Size, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (got == 0)
            {
                return null;
            }

            if (got < FrameHeader.Size)
            {
                throw Fail("the stream ended inside a frame header");
            }

            if (!FrameHeader.TryParse(_header, out var header))
            {
                throw Fail($"malformed frame header (flags 0x{_header[0]:x2})");
            }

            if (header.Length > MaxMessageSize)
            {
                throw Fail($"frame of {header.Length} bytes exceeds the maximum of {MaxMessageSize} bytes");
            }

            if (_payload.Length < header.Length)
            {
                _payload = new byte[Math.Max(header.Length, Math.Min(MaxMessageSize, _payload.Length * 2))];
            }

            await _tls.ReadExactlyAsync(_payload.AsMemory(0, header.Length), ct).ConfigureAwait(false);
            var payload = _payload.AsMemory(0, header.Length);
            if ((header.Flags & FrameFlags.Zstd) == 0)
            {
                return payload;
            }

            if (!IndexCompression.TryDecompress(payload.Span, MaxMessageSize, ref _decompressed, out var length, out var problem))
            {
                throw Fail(problem);
            }

            return _decompressed.AsMemory(0, length);
        }
        catch (EndOfStreamException)
        {
            throw Fail("the stream ended inside a frame");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or AuthenticationException)
        {
            throw Fail(ex.Message);
        }
        catch (OperationCanceledException)
        {
            Abort();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0 || _abort.IsCancellationRequested)
        {
            return;
        }

        // close_notify tells the peer this is an orderly end; it has to wait for a frame being written.
        if (await _sendGate.WaitAsync(_options.CloseTimeout).ConfigureAwait(false))
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.CloseTimeout, _options.Time);
                await _tls.ShutdownAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or AuthenticationException or OperationCanceledException or InvalidOperationException)
            {
                // The peer went away first; nothing more to tell it.
            }
            finally
            {
                _sendGate.Release();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _closed, 1);
        await _abort.CancelAsync().ConfigureAwait(false);
        await _tls.DisposeAsync().ConfigureAwait(false);
    }

    private void Abort()
    {
        if (_abort.IsCancellationRequested)
        {
            return;
        }

        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently; already aborted.
        }

        // Disposing the stream beneath TLS wakes a pending read or write on the other direction.
        _wire.Dispose();
    }

    private LinkClosedException Fail(string reason)
    {
        if (!_abort.IsCancellationRequested)
        {
            _logger.LogWarning("Link to {Device} over {Path} dropped: {Reason}", RemoteDevice.ToString(), Path, reason);
        }

        Abort();
        return new LinkClosedException(reason);
    }

    private void ThrowIfClosed()
    {
        if (_abort.IsCancellationRequested)
        {
            throw new LinkClosedException("The link is closed.");
        }
    }
}
