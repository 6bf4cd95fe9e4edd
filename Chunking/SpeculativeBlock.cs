using System.Buffers;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Mesh.Proto;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Chunking;

/// <summary>
/// One block of the input, cut and hashed on its own before anyone knows where the chunk that
/// crosses into it from the previous block ends; <see cref="Resolve"/> later joins it to that chunk.
/// </summary>
/// <remarks>
/// A cut depends only on the bytes from its chunk's start, so chunking a block as if a chunk began at
/// its first byte is a guess. The guess becomes right at the first place where the true chunking
/// (continued from the previous block's unfinished tail) also starts a chunk: from that chunk on
/// every guessed cut and hash is the true one. With FastCDC the two cut sequences meet again after
/// one or two chunks on most data, so all cores can cut and hash at once and only those first chunks
/// are cut twice. On data where they never meet (long runs of one byte value, cut every MaxSize at a
/// different phase) <see cref="Resolve"/> redoes the whole block itself: slower, never wrong.
/// The buffer keeps <c>MaxSize</c> bytes free in front of the block for the carried tail, so the
/// true chunks that cross the seam are contiguous without copying the block.
/// </remarks>
internal sealed class SpeculativeBlock : IDisposable
{
    private readonly ChunkerParameters _parameters;
    private readonly int _reserve;
    private readonly bool _hashFirstChunk;
    private byte[]? _buffer;
    private int[]? _lengths;
    private byte[]? _hashes;
    private int _count;
    private int _consumed;
    private int _tailStart;

    /// <summary>Rents the buffers for a block of up to <paramref name="capacity"/> bytes.</summary>
    /// <param name="parameters">The parameter set.</param>
    /// <param name="capacity">The most bytes the block holds.</param>
    /// <param name="isFirst">
    /// Whether the block starts the input; its first guessed chunk is then a true one. In any other
    /// block the first guessed chunk is hardly ever kept (the true chunking would have to cut exactly
    /// at the seam), so it is not hashed unless <see cref="Resolve"/> keeps it.
    /// </param>
    internal SpeculativeBlock(ChunkerParameters parameters, int capacity, bool isFirst)
    {
        _parameters = parameters;
        _reserve = parameters.MaxSize;
        _hashFirstChunk = isFirst;
        Capacity = capacity;
        _buffer = ArrayPool<byte>.Shared.Rent(_reserve + capacity);
        var maxChunks = (capacity / parameters.MinSize) + 1;
        _lengths = ArrayPool<int>.Shared.Rent(maxChunks);
        _hashes = ArrayPool<byte>.Shared.Rent(maxChunks * ChunkHash.Size);
    }

    /// <summary>The most bytes the block holds.</summary>
    internal int Capacity { get; }

    /// <summary>The bytes of input in the block.</summary>
    internal int Length { get; private set; }

    /// <summary>Whether the block runs to the end of the input.</summary>
    internal bool IsFinal { get; private set; }

    /// <summary>Where the input bytes go: <see cref="Capacity"/> bytes after the reserve.</summary>
    internal Memory<byte> Target => Buffer.AsMemory(_reserve, Capacity);

    /// <summary>
    /// After <see cref="Resolve"/>: the bytes at the end of the block that no cut has claimed yet
    /// (shorter than MaxSize), which continue in front of the next block.
    /// </summary>
    internal ReadOnlySpan<byte> Tail => Buffer.AsSpan(_reserve + _tailStart, Length - _tailStart);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(SpeculativeBlock));

    /// <summary>Records how many bytes were put into <see cref="Target"/> and whether the input ends there.</summary>
    internal void SetContent(int length, bool isFinal)
    {
        Length = length;
        IsFinal = isFinal;
    }

    /// <summary>
    /// Reads <paramref name="count"/> bytes at <paramref name="offset"/> of <paramref name="file"/>
    /// (a positional read, so blocks can be read by several threads at once), then cuts and hashes.
    /// The block is final when the read comes up short or <paramref name="isLast"/> says it is the last one planned.
    /// </summary>
    internal SpeculativeBlock ReadAndCut(SafeFileHandle file, long offset, int count, bool isLast)
    {
        var target = Buffer.AsSpan(_reserve, count);
        var filled = 0;
        while (filled < count)
        {
            var n = RandomAccess.Read(file, target[filled..], offset + filled);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        SetContent(filled, isLast || filled < count);
        return CutAndHash();
    }

    /// <summary>
    /// Cuts the block as if a chunk started at its first byte and hashes each chunk right after
    /// finding it, while its bytes are still in the core's cache.
    /// </summary>
    internal SpeculativeBlock CutAndHash()
    {
        var data = Buffer.AsSpan(_reserve, Length);
        var lengths = _lengths!;
        var hashes = _hashes!;
        var offset = 0;
        var count = 0;
        while (offset < data.Length)
        {
            var length = Chunker.NextChunkLength(data[offset..], _parameters, IsFinal);
            if (length == 0)
            {
                break;
            }

            if (count > 0 || _hashFirstChunk)
            {
                ChunkHasher.Hash(data.Slice(offset, length), hashes.AsSpan(count * ChunkHash.Size, ChunkHash.Size));
            }

            lengths[count++] = length;
            offset += length;
        }

        _count = count;
        _consumed = offset;
        return this;
    }

    /// <summary>
    /// Continues the true chunking from the previous block's unfinished <paramref name="carried"/>
    /// bytes into this block until it meets a guessed chunk start, then keeps the guessed chunks from
    /// there; appends every true chunk of the block to <paramref name="output"/> in order.
    /// </summary>
    internal void Resolve(ReadOnlySpan<byte> carried, RepeatedField<ChunkRef> output)
    {
        var buffer = Buffer;
        carried.CopyTo(buffer.AsSpan(_reserve - carried.Length));

        // Positions are relative to the block's first byte; the true chunking starts in the reserve.
        var position = -carried.Length;
        var guess = 0;
        var guessStart = 0;
        Span<byte> hash = stackalloc byte[ChunkHash.Size];
        while (true)
        {
            while (guess < _count && guessStart < position)
            {
                guessStart += _lengths![guess++];
            }

            if (guessStart == position)
            {
                Adopt(guess, guessStart, output);
                _tailStart = _consumed;
                return;
            }

            var length = Chunker.NextChunkLength(buffer.AsSpan(_reserve + position, Length - position), _parameters, IsFinal);
            if (length == 0)
            {
                _tailStart = position;
                return;
            }

            ChunkHasher.Hash(buffer.AsSpan(_reserve + position, length), hash);
            output.Add(new ChunkRef { Hash = ByteString.CopyFrom(hash), Length = (uint)length });
            position += length;
        }
    }

    /// <summary>Returns the buffers to their pools.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            ArrayPool<int>.Shared.Return(_lengths!);
            ArrayPool<byte>.Shared.Return(_hashes!);
            _buffer = null;
            _lengths = null;
            _hashes = null;
        }
    }

    /// <summary>Appends the guessed chunks from index <paramref name="first"/> (starting at <paramref name="start"/>) on.</summary>
    private void Adopt(int first, int start, RepeatedField<ChunkRef> output)
    {
        var offset = start;
        for (var i = first; i < _count; i++)
        {
            var length = _lengths![i];
            var hash = _hashes.AsSpan(i * ChunkHash.Size, ChunkHash.Size);
            if (i == 0 && !_hashFirstChunk)
            {
                // The rare seam that falls exactly on a true cut: the one chunk left unhashed is kept.
                ChunkHasher.Hash(Buffer.AsSpan(_reserve + offset, length), hash);
            }

            output.Add(new ChunkRef { Hash = ByteString.CopyFrom(hash), Length = (uint)length });
            offset += length;
        }
    }
}
