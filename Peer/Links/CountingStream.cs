namespace Mesh.Peer.Links;

/// <summary>
/// Passes a duplex stream through and counts the bytes read and written, so a link beneath TLS reports
/// what really crossed the wire (records, handshake and frame headers included). Between
/// <see cref="BeginBatch"/> and <see cref="EndBatchAsync"/> writes are gathered and passed on in runs of
/// up to <see cref="BatchBytes"/>: TLS writes each record of at most 16 KiB on its own, so a 64 KiB chunk
/// response was four socket writes, each with its own system call and, on loopback, its own trip
/// through the receiving side's TCP stack. Reads smaller than <see cref="ReadAheadBytes"/> are served from
/// one socket read of up to that much: TLS asks for one record (about 16 KiB) at a time, which made a
/// system call, and on loopback often a window update sent back, per 16 KiB received.
/// </summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    /// <summary>Most plaintext one TLS record carries; a frame of at most this much is one record, with nothing to batch.</summary>
    public const int RecordPayload = 16 * 1024;

    /// <summary>Bytes gathered at most before they are written on: four full TLS records.</summary>
    public const int BatchBytes = 4 * (RecordPayload + 64);

    /// <summary>Bytes one read of the inner stream asks for when the caller asks for less.</summary>
    public const int ReadAheadBytes = 256 * 1024;

    private long _read;
    private byte[]? _readAhead;
    private int _readStart;
    private int _readEnd;
    private long _written;
    private byte[]? _batch;
    private int _batched;

    /// <summary>
    /// Gathers writes until <see cref="EndBatchAsync"/>. Only one batch at a time, by one writer: the link
    /// sends under its own lock.
    /// </summary>
    public void BeginBatch()
    {
        _batch = System.Buffers.ArrayPool<byte>.Shared.Rent(BatchBytes);
        _batched = 0;
    }

    /// <summary>Writes what the batch gathered and stops gathering.</summary>
    public async ValueTask EndBatchAsync(CancellationToken cancellationToken)
    {
        if (_batch is not null)
        {
            await WriteBatchedAsync(cancellationToken).ConfigureAwait(false);
            DiscardBatch();
        }
    }

    /// <summary>Stops gathering and drops what was not written (the link failed).</summary>
    public void DiscardBatch()
    {
        if (_batch is { } batch)
        {
            _batch = null;
            _batched = 0;
            System.Buffers.ArrayPool<byte>.Shared.Return(batch);
        }
    }

    private async ValueTask WriteBatchedAsync(CancellationToken cancellationToken)
    {
        if (_batched > 0)
        {
            var count = _batched;
            _batched = 0;
            await inner.WriteAsync(_batch.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _written, count);
        }
    }

    /// <summary>Bytes read from the inner stream so far.</summary>
    public long BytesRead => Interlocked.Read(ref _read);

    /// <summary>Bytes written to the inner stream so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _written);

    /// <inheritdoc />
    public override bool CanRead => inner.CanRead;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => inner.CanWrite;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override void Flush() => inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_readStart == _readEnd)
        {
            if (buffer.Length >= ReadAheadBytes)
            {
                return Counted(inner.Read(buffer));
            }

            _readAhead ??= new byte[ReadAheadBytes];
            _readStart = 0;
            _readEnd = Counted(inner.Read(_readAhead));
        }

        return TakeReadAhead(buffer);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    /// <remarks>One read at a time, as a stream beneath TLS is read.</remarks>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_readStart == _readEnd)
        {
            if (buffer.Length >= ReadAheadBytes)
            {
                return Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
            }

            _readAhead ??= new byte[ReadAheadBytes];
            _readStart = 0;
            _readEnd = Counted(await inner.ReadAsync(_readAhead, cancellationToken).ConfigureAwait(false));
        }

        return TakeReadAhead(buffer.Span);
    }

    private int Counted(int read)
    {
        Interlocked.Add(ref _read, read);
        return read;
    }

    private int TakeReadAhead(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _readEnd - _readStart);
        _readAhead.AsSpan(_readStart, n).CopyTo(buffer);
        _readStart += n;
        return n;
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Interlocked.Add(ref _written, buffer.Length);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_batch is { } batch)
        {
            if (_batched + buffer.Length > BatchBytes)
            {
                await WriteBatchedAsync(cancellationToken).ConfigureAwait(false);
            }

            if (buffer.Length <= BatchBytes)
            {
                buffer.CopyTo(batch.AsMemory(_batched));
                _batched += buffer.Length;
                return;
            }
        }

        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _written, buffer.Length);
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
