using System.Buffers;

namespace Mesh.Chunking;

/// <summary>
/// Cuts a stream into content-defined chunks without loading it whole. It reads into one pooled
/// buffer and yields each chunk as a view of that buffer, so it allocates nothing per chunk; the
/// boundaries are exactly those of <see cref="Chunker.ChunkLengths"/> over the whole input,
/// whatever sizes the stream's reads return.
/// </summary>
public sealed class StreamChunker : IDisposable
{
    private readonly Stream _stream;
    private readonly ChunkerParameters _parameters;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Creates a chunker over <paramref name="stream"/>.</summary>
    /// <param name="stream">The input, read to its end; not disposed by the chunker.</param>
    /// <param name="parameters">The parameter set.</param>
    /// <param name="bufferSize">Read buffer size; raised to twice the maximum chunk size if smaller.</param>
    public StreamChunker(Stream stream, ChunkerParameters parameters, int bufferSize = 4 * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parameters);
        _stream = stream;
        _parameters = parameters;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, 2 * parameters.MaxSize));
    }

    /// <summary>The current chunk; valid until the next call to <see cref="MoveNextAsync"/>.</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    /// <summary>Offset of <see cref="Current"/> in the stream.</summary>
    public long Offset { get; private set; }

    /// <summary>Advances to the next chunk; false at the end of the stream.</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken ct = default)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(StreamChunker));
        Offset += Current.Length;
        if (_end - _start < _parameters.MaxSize && !_eof)
        {
            // Too little left to decide the next cut: move the rest to the front and fill up.
            buffer.AsSpan(_start, _end - _start).CopyTo(buffer);
            _end -= _start;
            _start = 0;
            while (_end < buffer.Length)
            {
                var n = await _stream.ReadAsync(buffer.AsMemory(_end), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    _eof = true;
                    break;
                }

                _end += n;
            }
        }

        var length = Chunker.NextChunkLength(buffer.AsSpan(_start, _end - _start), _parameters, _eof);
        Current = buffer.AsMemory(_start, length);
        _start += length;
        return length > 0;
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
