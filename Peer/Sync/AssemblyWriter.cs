using Mesh.Peer.Files;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Sync;

/// <summary>
/// Writes the chunks of a file being assembled, in whatever order they arrive. Where the file system
/// offers direct I/O, the bytes are gathered in aligned windows of <see cref="WindowBytes"/>, and a
/// window every byte of which came through here goes to the disk in one direct write, past the page
/// cache. On this project's test machine (a virtual machine whose host takes freed guest memory back)
/// copying received data into fresh page-cache pages was the receiver's largest cost; a direct write
/// from a reused block costs a tenth of that (docs/sync.md, "Writing pulled data").
/// <para>
/// A window is written directly only when this writer filled all of it, so bytes that reached the
/// file another way (the old version's chunks copied in, a resumed temporary file) are never
/// overwritten: the parts of a window left incomplete are written range by range through the page
/// cache by <see cref="Finish"/>. Without a direct handle, past the end of the pool's blocks, or after
/// the file system refused a direct write, bytes go through the page cache at once. The caller sets
/// the file's final length afterwards (a last, partial window is written padded to the alignment) and
/// flushes as before: direct writes do not make the data durable by themselves.
/// </para>
/// </summary>
internal sealed class AssemblyWriter : IDisposable
{
    /// <summary>Bytes of one window, the unit of direct writes.</summary>
    public const int WindowBytes = 16 * AlignedBlockPool.BlockBytes;

    /// <summary>
    /// Files smaller than this are written through the page cache: for a file of a few KiB a second open
    /// and a synchronous device write cost more than the copy they save.
    /// </summary>
    public const long MinDirectFileBytes = 2 * AlignedBlockPool.BlockBytes;

    private const int NoSpace = 28;

    private readonly SafeFileHandle _file;
    private readonly SafeFileHandle? _direct;
    private readonly long _length;
    private readonly AlignedBlockPool? _pool;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Window> _open = [];
    private readonly HashSet<long> _paged = [];
    private bool _directRefused;
    private long _directBytes;

    /// <summary>
    /// A writer into <paramref name="file"/> (read-write, through the page cache), using
    /// <paramref name="direct"/> (the same file opened for direct I/O, owned by this writer from now on;
    /// null for none) for whole windows of a file that will be <paramref name="length"/> bytes long, in
    /// blocks of <paramref name="pool"/> (none: everything through the page cache).
    /// </summary>
    public AssemblyWriter(SafeFileHandle file, SafeFileHandle? direct, long length, AlignedBlockPool? pool)
    {
        _file = file;
        _length = length;
        _pool = pool;
        if (pool is null)
        {
            direct?.Dispose();
        }
        else
        {
            _direct = direct;
        }
    }

    /// <summary>Bytes written by direct writes so far, padding included.</summary>
    public long DirectBytes => Interlocked.Read(ref _directBytes);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>; safe to call from several threads for disjoint ranges.</summary>
    public void Write(ReadOnlySpan<byte> data, long offset)
    {
        if (_direct is null || _pool is null)
        {
            RandomAccess.Write(_file, data, offset);
            return;
        }

        while (!data.IsEmpty)
        {
            var index = offset / WindowBytes;
            var take = (int)Math.Min(data.Length, ((index + 1) * WindowBytes) - offset);
            WriteInWindow(index, data[..take], offset);
            data = data[take..];
            offset += take;
        }
    }

    /// <summary>Writes what windows still hold through the page cache; call once every chunk is written.</summary>
    public void Finish()
    {
        foreach (var window in TakeOpenWindows())
        {
            try
            {
                window.WriteRanges(_file);
            }
            finally
            {
                window.Release(_pool!);
            }
        }
    }

    private List<Window> TakeOpenWindows()
    {
        lock (_gate)
        {
            List<Window> left = [.. _open.Values];
            _open.Clear();
            return left;
        }
    }

    /// <summary>
    /// Closes the direct handle and gives the blocks back. A pull abandoned before <see cref="Finish"/>
    /// (link lost, chunk unavailable) still writes what its windows hold, verified chunks, through the
    /// page cache, so the next pass resumes from them; if that fails too (the disk is full) they are dropped.
    /// </summary>
    public void Dispose()
    {
        foreach (var window in TakeOpenWindows())
        {
            try
            {
                window.WriteRanges(_file);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Only a head start for the next pass is lost.
            }
            finally
            {
                window.Release(_pool!);
            }
        }

        _direct?.Dispose();
    }

    private void WriteInWindow(long index, ReadOnlySpan<byte> part, long offset)
    {
        Window? full = null;
        var paged = true;
        lock (_gate)
        {
            if (!_directRefused && offset + part.Length <= _length && !_paged.Contains(index))
            {
                if (!_open.TryGetValue(index, out var window))
                {
                    var start = index * WindowBytes;
                    window = Window.TryOpen(_pool!, start, (int)Math.Min(WindowBytes, _length - start));
                    if (window is null)
                    {
                        _paged.Add(index);
                    }
                    else
                    {
                        _open[index] = window;
                    }
                }

                if (window is not null)
                {
                    paged = false;
                    window.Add(part, offset);
                    if (window.IsFull)
                    {
                        _open.Remove(index);
                        full = window;
                    }
                }
            }
        }

        if (paged)
        {
            RandomAccess.Write(_file, part, offset);
        }
        else if (full is not null)
        {
            WriteWindow(full);
        }
    }

    // A file system may take the flag and still refuse a write (some need a larger alignment): the
    // window then goes through the page cache, and so does everything after it. A full disk is the
    // caller's to handle, as with any write.
    private void WriteWindow(Window window)
    {
        try
        {
            if (!Volatile.Read(ref _directRefused))
            {
                try
                {
                    var written = window.WriteDirect(_direct!);
                    Interlocked.Add(ref _directBytes, written);
                    return;
                }
                catch (IOException ex) when (ex.HResult != NoSpace)
                {
                    Volatile.Write(ref _directRefused, true);
                }
            }

            window.WriteRanges(_file);
        }
        finally
        {
            window.Release(_pool!);
        }
    }

    /// <summary>One aligned window of the file, its bytes in pool blocks, and the ranges written into it.</summary>
    private sealed class Window
    {
        private readonly Memory<byte>[] _blocks;
        private readonly List<(int Start, int Length)> _ranges = [];
        private readonly long _start;
        private readonly int _length;
        private int _bytes;

        private Window(Memory<byte>[] blocks, long start, int length)
        {
            _blocks = blocks;
            _start = start;
            _length = length;
        }

        // Written once as many bytes arrived as the window holds and the ranges leave no gap (a range
        // written twice is counted twice, so the count alone does not prove that).
        public bool IsFull => _bytes >= _length && Covered();

        public static Window? TryOpen(AlignedBlockPool pool, long start, int length)
        {
            var blocks = pool.TryRent((AlignUp(length) + AlignedBlockPool.BlockBytes - 1) / AlignedBlockPool.BlockBytes);
            return blocks is null ? null : new Window(blocks, start, length);
        }

        public void Add(ReadOnlySpan<byte> part, long offset)
        {
            var at = (int)(offset - _start);
            _ranges.Add((at, part.Length));
            _bytes += part.Length;
            while (!part.IsEmpty)
            {
                var within = at % AlignedBlockPool.BlockBytes;
                var take = Math.Min(part.Length, AlignedBlockPool.BlockBytes - within);
                part[..take].CopyTo(_blocks[at / AlignedBlockPool.BlockBytes].Span[within..]);
                part = part[take..];
                at += take;
            }
        }

        // The window padded with zeros to the alignment (only a file's last window needs it; the caller
        // cuts the file to its length afterwards), in one vectored write.
        public int WriteDirect(SafeFileHandle direct)
        {
            var total = AlignUp(_length);
            var segments = new ReadOnlyMemory<byte>[(total + AlignedBlockPool.BlockBytes - 1) / AlignedBlockPool.BlockBytes];
            for (var i = 0; i < segments.Length; i++)
            {
                var from = i * AlignedBlockPool.BlockBytes;
                var block = _blocks[i][..Math.Min(AlignedBlockPool.BlockBytes, total - from)];
                var used = Math.Clamp(_length - from, 0, block.Length);
                block.Span[used..].Clear();
                segments[i] = block;
            }

            RandomAccess.Write(direct, segments, _start);
            return total;
        }

        public void WriteRanges(SafeFileHandle file)
        {
            foreach (var (start, length) in _ranges)
            {
                var at = start;
                var end = start + length;
                while (at < end)
                {
                    var within = at % AlignedBlockPool.BlockBytes;
                    var take = Math.Min(end - at, AlignedBlockPool.BlockBytes - within);
                    RandomAccess.Write(file, _blocks[at / AlignedBlockPool.BlockBytes].Span.Slice(within, take), _start + at);
                    at += take;
                }
            }
        }

        public void Release(AlignedBlockPool pool) => pool.Return(_blocks);

        private static int AlignUp(int length) => (length + AlignedBlockPool.Alignment - 1) / AlignedBlockPool.Alignment * AlignedBlockPool.Alignment;

        private bool Covered()
        {
            _ranges.Sort();
            var end = 0;
            foreach (var (start, length) in _ranges)
            {
                if (start > end)
                {
                    return false;
                }

                end = Math.Max(end, start + length);
            }

            return end >= _length;
        }
    }
}
