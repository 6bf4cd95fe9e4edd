using Mesh.Chunking;
using Mesh.Peer.Files;
using Mesh.Peer.Index;
using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>
/// The chunk lists of recently served local files, so that a chunk read from a file whose size, mtime
/// and inode still match its index record is sent without being hashed again. That is the trust the
/// scanner already places in a file's stat (it does not re-read such a file), and the requester checks
/// every chunk it receives against its hash anyway; serving 1 GiB used to hash it a second time on the
/// sender (after the scan), about 0.6 CPU seconds. A file whose stat differs from its record, or that has
/// no record, is not trusted here, and its chunks are hashed as before.
/// </summary>
internal sealed class RecordedChunks
{
    /// <summary>
    /// Chunks shorter than this are hashed rather than looked up: SHA-256 of 32 KiB takes about as long
    /// as reading and decoding a record (a query per file), and a file of one small chunk never reuses
    /// its record. Serving 20,000 files of 1–4 KiB spent more on those lookups than hashing costs.
    /// </summary>
    public const int MinTrustedLength = 32 * 1024;

    /// <summary>Chunk lists held at once, in chunks (about 44 bytes each): a file of more is always hashed.</summary>
    public const int MaxChunks = 32 * 1024;

    private const int MaxFiles = 16;

    private readonly IndexStore _store;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Folder, string Name), Recorded> _files = [];
    private readonly Queue<(string Folder, string Name)> _order = new();
    private int _chunks;

    /// <summary>Creates an empty cache over the local records of <paramref name="store"/>.</summary>
    public RecordedChunks(IndexStore store) => _store = store;

    /// <summary>
    /// True when the local record of <paramref name="name"/> has the stat <paramref name="stat"/> and a chunk of
    /// <paramref name="length"/> bytes hashing to <paramref name="hash"/> at <paramref name="offset"/>.
    /// </summary>
    public bool Contains(string folder, string name, FileStat stat, long offset, int length, ReadOnlySpan<byte> hash)
    {
        var key = (folder, name);
        Recorded? recorded;
        lock (_gate)
        {
            if (_files.TryGetValue(key, out recorded) && !recorded.Matches(stat))
            {
                Forget(key);
                recorded = null;
            }
        }

        if (recorded is null)
        {
            if (_store.GetLocal(folder, name) is not { Entry: { Deleted: false, Type: FileType.File, Manifest: { } manifest } entry } record ||
                manifest.Chunks.Count > MaxChunks || !stat.IsFileAsRecorded(entry.Size, entry.ModifiedNs, record.Inode))
            {
                return false;
            }

            recorded = new Recorded(entry.Size, entry.ModifiedNs, record.Inode, manifest);
            lock (_gate)
            {
                if (!_files.ContainsKey(key))
                {
                    // The queue may hold names already forgotten (their file changed); bounding the queue
                    // bounds both it and the files held.
                    while (_order.Count > 0 && (_order.Count >= MaxFiles || _chunks + recorded.Count > MaxChunks))
                    {
                        Forget(_order.Dequeue());
                    }

                    _files[key] = recorded;
                    _order.Enqueue(key);
                    _chunks += recorded.Count;
                }
            }
        }

        return recorded.Has(offset, length, hash);
    }

    // Called under the gate.
    private void Forget((string Folder, string Name) key)
    {
        if (_files.Remove(key, out var gone))
        {
            _chunks -= gone.Count;
        }
    }

    private sealed class Recorded
    {
        private readonly ulong _size;
        private readonly long _modifiedNs;
        private readonly ulong _inode;
        private readonly long[] _offsets;
        private readonly int[] _lengths;
        private readonly ChunkHash[] _hashes;

        public Recorded(ulong size, long modifiedNs, ulong inode, FileManifest manifest)
        {
            _size = size;
            _modifiedNs = modifiedNs;
            _inode = inode;
            var count = manifest.Chunks.Count;
            _offsets = new long[count];
            _lengths = new int[count];
            _hashes = new ChunkHash[count];
            long offset = 0;
            for (var i = 0; i < count; i++)
            {
                var chunk = manifest.Chunks[i];
                _offsets[i] = offset;
                _lengths[i] = (int)chunk.Length;
                _hashes[i] = new ChunkHash(chunk.Hash.Span);
                offset += chunk.Length;
            }
        }

        public int Count => _offsets.Length;

        public bool Matches(FileStat stat) => stat.IsFileAsRecorded(_size, _modifiedNs, _inode);

        public bool Has(long offset, int length, ReadOnlySpan<byte> hash)
        {
            var i = Array.BinarySearch(_offsets, offset);
            return i >= 0 && _lengths[i] == length && hash.Length == ChunkHash.Size && _hashes[i].Equals(new ChunkHash(hash));
        }
    }
}
