using Google.Protobuf;
using Mesh.Chunking;
using Mesh.Peer.Identity;
using Mesh.Proto;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Index;

/// <summary>
/// The device's index in SQLite (WAL): per folder its local files with their local sequence numbers,
/// what each peer announced, the chunks of local files by hash, and per peer the highest sequence
/// received. One connection behind a lock: SQLite serialises writers anyway, and the engine's writes
/// are batched into transactions.
/// </summary>
internal sealed partial class IndexStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly byte[] _localDevice;
    private readonly Lock _gate = new();
    private long _localEntriesRead;
    private long _localCommits;
    private long _singleLookups;
    private long _chunkRowsWritten;
    private long _chunkRowStatements;
    private long _rowsRemoved;
    private readonly Lock _readGate = new();
    private SqliteConnection? _reader;

    // The readers read the database file through a memory map rather than one pread per page.
    // In WAL mode a connection drops its page cache whenever another one committed, and while a folder
    // syncs something commits all the time, so each status poll and chunk lookup read its pages again:
    // during the initial sync of 1 GiB that was a third of the sending daemon's CPU, almost all of it in
    // pread (docs/daemon.md, "CPU of a bulk transfer"). Mapped pages are the kernel's page cache, so the
    // map costs no copy; 256 MiB is a bound, not an allocation.
    private const string MapPragma = "PRAGMA mmap_size=268435456;";

    // The writer is the one connection whose page cache survives commits (they are its own), so it
    // reads through its cache and not through a map: each connection maps the file on its own and the
    // pages a map touched count in the process's RSS once per map, and the writer touches nearly every
    // page (scans, commits, chunk rows), about 30 MiB of the 22,000-file side-by-side index. The cache
    // is 8 MiB rather than the default 2 so that a whole-folder scan's pages stay in it (docs/daemon.md,
    // "Memory").
    private const string WriterPragmas = "PRAGMA mmap_size=0; PRAGMA cache_size=-8192;";

    // The status reader's pragmas (OpenUnmappedReader). Session 7 had it so while status still counted
    // whole tables, and each poll then re-read them with pread (seconds of CPU in c1..d); with the totals
    // kept in the index a poll reads a few pages (docs/daemon.md, "Memory, session 9").
    private const string UnmappedReaderPragmas = "PRAGMA mmap_size=0; PRAGMA cache_size=-1024;";

    private IndexStore(SqliteConnection connection, DeviceId localDevice)
    {
        _connection = connection;
        _localDevice = localDevice.Bytes.ToArray();
    }

    /// <summary>Schema version this build writes.</summary>
    public static int SchemaVersion => IndexMigrations.All.Count;

    /// <summary>Opens (creating and migrating) the index at <paramref name="path"/> for the given local device.</summary>
    public static IndexStore Open(string path, DeviceId localDevice)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        try
        {
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; " + WriterPragmas);
            var from = Migrate(connection);
            if (from < CountedSizesVersion)
            {
                FillCountedSizes(connection, localDevice.Bytes.ToArray());
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return new IndexStore(connection, localDevice);
    }

    /// <summary>The schema version of the open database.</summary>
    public int CurrentSchemaVersion
    {
        get
        {
            lock (_gate)
            {
                return ReadUserVersion(_connection);
            }
        }
    }

    /// <summary>The index generation and highest local sequence of a folder, creating the folder with a new generation.</summary>
    public PeerProgress EnsureFolder(string folder, ulong newIndexId)
    {
        lock (_gate)
        {
            using var insert = Command("INSERT OR IGNORE INTO folders (id, index_id, max_sequence) VALUES ($f, $i, 0)");
            insert.Parameters.AddWithValue("$f", folder);
            insert.Parameters.AddWithValue("$i", unchecked((long)newIndexId));
            insert.ExecuteNonQuery();
            return ReadFolder(folder);
        }
    }

    /// <summary>The index generation and highest local sequence of a known folder.</summary>
    public PeerProgress GetFolder(string folder)
    {
        lock (_gate)
        {
            return ReadFolder(folder);
        }
    }

    /// <summary>A local file by name, or null.</summary>
    public StoredFile? GetLocal(string folder, string name) => Get(folder, _localDevice, name);

    /// <summary>A peer's announced entry by name, or null.</summary>
    public StoredFile? GetRemote(string folder, DeviceId device, string name) => Get(folder, device.Bytes.ToArray(), name);

    /// <summary>
    /// Local entries decoded by whole-folder or subtree reads since the store was opened; lets tests
    /// check that work on a few names does not read the whole folder.
    /// </summary>
    internal long LocalEntriesRead => Interlocked.Read(ref _localEntriesRead);

    /// <summary>Entries read one name at a time (<see cref="GetLocal"/>, <see cref="GetRemote"/>) since opening; lets tests check that planning does not look names up one by one.</summary>
    internal long SingleLookups => Interlocked.Read(ref _singleLookups);

    /// <summary>Transactions of <see cref="CommitLocal"/> since the store was opened; lets tests count index commits.</summary>
    internal long LocalCommits => Interlocked.Read(ref _localCommits);

    /// <summary>Runs <paramref name="action"/> holding the writer's lock, as a long commit would; for tests of what reads beside it.</summary>
    internal void WhileWriterLocked(Action action)
    {
        lock (_gate)
        {
            action();
        }
    }

    /// <summary>Statements run on the local chunk table by local commits since opening (selects included).</summary>
    internal long ChunkRowStatements => Interlocked.Read(ref _chunkRowStatements);

    /// <summary>Rows of the local chunk table inserted, moved or deleted since opening.</summary>
    internal long ChunkRowsWritten => Interlocked.Read(ref _chunkRowsWritten);

    /// <summary>
    /// Times entries left the files table without a new sequence (a peer's index replaced, tombstones
    /// expired, a pull rolled back) since opening; moves after the transaction commits, so a reader that
    /// reads it before its own read transaction never misses a removal. Readers that
    /// follow the table by sequence (<c>PeerCompletion</c>) read it to know when they must compare anew.
    /// </summary>
    internal long RowsRemoved => Interlocked.Read(ref _rowsRemoved);

    /// <summary>Every local entry of a folder (tombstones included), by name.</summary>
    public Dictionary<string, StoredFile> GetAllLocal(string folder) => GetLocalUnder(folder, null);

    /// <summary>
    /// The local entries (tombstones included) named <paramref name="path"/> or below it, by name; the
    /// whole folder when <paramref name="path"/> is null.
    /// </summary>
    public Dictionary<string, StoredFile> GetLocalUnder(string folder, string? path)
    {
        lock (_gate)
        {
            // Names below "p" are exactly those in ["p/", "p0"): '0' follows '/' in byte order, and the
            // primary key's range makes this a seek, so a rescan of one path costs its subtree only.
            using var command = Command(path is null
                ? "SELECT entry, inode FROM files WHERE folder = $f AND device = $d"
                : "SELECT entry, inode FROM files WHERE folder = $f AND device = $d AND (name = $p OR (name >= $below AND name < $after))");
            command.Parameters.AddWithValue("$f", folder);
            command.Parameters.AddWithValue("$d", _localDevice);
            if (path is not null)
            {
                command.Parameters.AddWithValue("$p", path);
                command.Parameters.AddWithValue("$below", path + "/");
                command.Parameters.AddWithValue("$after", path + "0");
            }

            var result = new Dictionary<string, StoredFile>(StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var file = ReadFile(reader, 0, 1);
                result[file.Entry.Name] = file;
            }

            Interlocked.Add(ref _localEntriesRead, result.Count);
            return result;
        }
    }

    /// <summary>
    /// Records local changes: each entry gets the folder's next sequence number, and the chunk table
    /// follows the new content. All or nothing. Returns the entries as stored.
    /// <paramref name="renamedFrom"/> maps a new name to the name it was renamed from, whose chunk rows it
    /// takes over with one <c>UPDATE</c> instead of the old name's rows being deleted and the new name's
    /// inserted. A rename is used only when the old name is deleted in the same changes; the rows are
    /// then checked against the new manifest as usual, so a wrong hint costs time, never correctness.
    /// </summary>
    public IReadOnlyList<FileEntry> CommitLocal(string folder, IEnumerable<(FileEntry Entry, ulong Inode)> changes, IReadOnlyDictionary<string, string>? renamedFrom = null)
    {
        var list = changes as IReadOnlyCollection<(FileEntry Entry, ulong Inode)> ?? changes.ToList();
        HashSet<string>? deleted = null;
        if (renamedFrom is { Count: > 0 })
        {
            deleted = list.Where(c => c.Entry.Deleted).Select(c => c.Entry.Name).ToHashSet(StringComparer.Ordinal);
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            var committed = CommitLocalIn(transaction, folder, list, renamedFrom, deleted);
            transaction.Commit();
            return committed;
        }
    }

    // The body of CommitLocal inside a transaction the caller holds (and commits), under _gate.
    private List<FileEntry> CommitLocalIn(SqliteTransaction transaction, string folder, IReadOnlyCollection<(FileEntry Entry, ulong Inode)> list,
        IReadOnlyDictionary<string, string>? renamedFrom, HashSet<string>? deleted)
    {
        Interlocked.Increment(ref _localCommits);
        var sequence = ReadFolder(folder, transaction).MaxSequence;
        var committed = new List<FileEntry>();
        using var upsert = UpsertCommand(transaction);
        using var chunkRows = new LocalChunkRows(_connection, transaction);
        foreach (var (original, inode) in list)
        {
            var entry = original.Clone();
            entry.Sequence = ++sequence;
            Upsert(upsert, folder, _localDevice, entry, inode, local: true);
            if (!entry.Deleted && deleted is not null && renamedFrom!.TryGetValue(entry.Name, out var from) && deleted.Remove(from))
            {
                chunkRows.Rename(folder, from, entry.Name);
            }

            chunkRows.Replace(folder, entry.Name, entry.Deleted ? null : entry.Manifest);
            committed.Add(entry);
        }

        using var update = Command("UPDATE folders SET max_sequence = $s WHERE id = $f", transaction);
        update.Parameters.AddWithValue("$s", (long)sequence);
        update.Parameters.AddWithValue("$f", folder);
        update.ExecuteNonQuery();
        Interlocked.Add(ref _chunkRowsWritten, chunkRows.RowsWritten);
        Interlocked.Add(ref _chunkRowStatements, chunkRows.Statements);
        return committed;
    }

    /// <summary>Updates only the inode remembered for a local file (no new version, no new sequence).</summary>
    public void SetLocalInode(string folder, string name, ulong inode)
    {
        lock (_gate)
        {
            using var command = Command("UPDATE files SET inode = $i WHERE folder = $f AND device = $d AND name = $n");
            command.Parameters.AddWithValue("$i", unchecked((long)inode));
            command.Parameters.AddWithValue("$f", folder);
            command.Parameters.AddWithValue("$d", _localDevice);
            command.Parameters.AddWithValue("$n", name);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Local entries with a sequence above <paramref name="after"/>, in sequence order, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<FileEntry> GetLocalSince(string folder, ulong after, int limit)
    {
        lock (_gate)
        {
            using var command = Command("SELECT entry, inode FROM files WHERE folder = $f AND device = $d AND sequence > $s ORDER BY sequence LIMIT $l");
            command.Parameters.AddWithValue("$f", folder);
            command.Parameters.AddWithValue("$d", _localDevice);
            command.Parameters.AddWithValue("$s", (long)after);
            command.Parameters.AddWithValue("$l", limit);
            var result = new List<FileEntry>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add(ReadFile(reader, 0, 1).Entry);
            }

            return result;
        }
    }

    /// <summary>
    /// The stored bytes of local entries with a sequence above <paramref name="after"/>, in sequence order,
    /// as many as fit in <paramref name="maxBytes"/> (at least one); <c>Last</c> is the sequence of the
    /// last one read (<paramref name="after"/> when none), <c>More</c> says whether others follow.
    /// One read under the lock per index message, decoded by the caller outside it: read 256 at a time,
    /// each decoded under the lock, the index sender after a scan kept stopping for the puller's planning
    /// of the same changes, which holds the lock for the whole folder's differences.
    /// </summary>
    public (List<byte[]> Entries, ulong Last, bool More) ReadLocalSince(string folder, ulong after, int maxBytes)
    {
        lock (_gate)
        {
            using var command = Command("SELECT entry, sequence FROM files WHERE folder = $f AND device = $d AND sequence > $s ORDER BY sequence");
            command.Parameters.AddWithValue("$f", folder);
            command.Parameters.AddWithValue("$d", _localDevice);
            command.Parameters.AddWithValue("$s", (long)after);
            var result = new List<byte[]>();
            var bytes = 0L;
            var last = after;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var entry = (byte[])reader.GetValue(0);
                if (result.Count > 0 && bytes + entry.Length > maxBytes)
                {
                    return (result, last, true);
                }

                result.Add(entry);
                bytes += entry.Length;
                last = (ulong)reader.GetInt64(1);
            }

            return (result, last, false);
        }
    }

    /// <summary>
    /// Stores entries a peer announced. With <paramref name="replaceAll"/> (the first message of a full
    /// index) everything previously stored from that peer for the folder is dropped first. Returns true
    /// when what this device needs may have changed: the stored index was replaced, or an entry's version
    /// differs from the local one. Entries equal to the local ones cannot create a need.
    /// </summary>
    public bool StoreRemote(string folder, DeviceId device, ulong indexId, IReadOnlyList<FileEntry> entries, bool replaceAll)
    {
        lock (_gate)
        {
            var deviceBytes = device.Bytes.ToArray();
            using var transaction = _connection.BeginTransaction();
            var progress = ReadPeer(folder, deviceBytes, transaction);
            var changes = false;
            var cleared = false;
            if (replaceAll || progress.IndexId != indexId)
            {
                changes = true;
                cleared = true;
                using var clear = Command("DELETE FROM files WHERE folder = $f AND device = $d", transaction);
                clear.Parameters.AddWithValue("$f", folder);
                clear.Parameters.AddWithValue("$d", deviceBytes);
                clear.ExecuteNonQuery();
                progress = new PeerProgress(indexId, 0);
            }

            using var upsert = UpsertCommand(transaction);
            var max = progress.MaxSequence;
            foreach (var entry in entries)
            {
                Upsert(upsert, folder, deviceBytes, entry, 0, local: deviceBytes.AsSpan().SequenceEqual(_localDevice));
                max = Math.Max(max, entry.Sequence);
            }

            changes = changes || AnyDiffersFromLocal(folder, deviceBytes, entries, transaction);

            using var peer = Command("INSERT OR REPLACE INTO peers (folder, device, index_id, max_sequence) VALUES ($f, $d, $i, $s)", transaction);
            peer.Parameters.AddWithValue("$f", folder);
            peer.Parameters.AddWithValue("$d", deviceBytes);
            peer.Parameters.AddWithValue("$i", unchecked((long)indexId));
            peer.Parameters.AddWithValue("$s", (long)max);
            peer.ExecuteNonQuery();
            transaction.Commit();
            if (cleared)
            {
                Interlocked.Increment(ref _rowsRemoved);
            }

            return changes;
        }
    }

    // Whether any of the entries just stored differs from the local version of its name. One query over
    // the sequence range the entries span rather than one lookup per entry: a peer confirming the 4,002
    // records of a directory it renamed after this device cost 4,002 statements, each bound and stepped
    // from here. Rows of the range stored earlier are told apart by name and sequence; the first
    // differing row of this batch ends the read.
    private bool AnyDiffersFromLocal(string folder, byte[] device, IReadOnlyList<FileEntry> entries, SqliteTransaction transaction)
    {
        if (entries.Count == 0)
        {
            return false;
        }

        var stored = new Dictionary<string, ulong>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            stored[entry.Name] = entry.Sequence;
        }

        using var command = Command(
            """
            SELECT r.name, r.sequence FROM files r
            LEFT JOIN files l ON l.folder = r.folder AND l.device = $local AND l.name = r.name
            WHERE r.folder = $f AND r.device = $d AND r.sequence BETWEEN $low AND $high AND (l.version IS NULL OR l.version <> r.version)
            """,
            transaction);
        command.Parameters.AddWithValue("$local", _localDevice);
        command.Parameters.AddWithValue("$f", folder);
        command.Parameters.AddWithValue("$d", device);
        command.Parameters.AddWithValue("$low", (long)entries.Min(e => e.Sequence));
        command.Parameters.AddWithValue("$high", (long)entries.Max(e => e.Sequence));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (stored.TryGetValue(reader.GetString(0), out var sequence) && sequence == (ulong)reader.GetInt64(1))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The versions peers announced for <paramref name="names"/> (encoded <see cref="Vector"/>s, one per
    /// peer that has the name), by one lookup per name and peer: what a local change of those names has
    /// to be compared with to know whether it can have changed a need, without the whole-folder join of
    /// <see cref="GetRemoteDifferences(string, IReadOnlyCollection{DeviceId}, string?, int)"/>.
    /// </summary>
    /// <remarks>
    /// Read over the read-only connection, in one read transaction, never under the writer's lock: the
    /// scanner asks right after committing a change and waking the index sender, and 4,002 lookups under
    /// the lock (side-by-side d) kept the sender from reading the second index message of the rename
    /// until they were done. The answer is what was committed when the read began, as it was when the
    /// lookups queued behind the lock.
    /// </remarks>
    public List<(string Name, byte[] Version)> GetPeerVersions(string folder, IReadOnlyCollection<string> names)
    {
        lock (_readGate)
        {
            _reader ??= OpenReader(_connection.DataSource);
            using var transaction = _reader.BeginTransaction(deferred: true);
            var devices = new List<byte[]>();
            using (var peers = _reader.CreateCommand())
            {
                peers.Transaction = transaction;
                peers.CommandText = "SELECT device FROM peers WHERE folder = $f";
                peers.Parameters.AddWithValue("$f", folder);
                using var reader = peers.ExecuteReader();
                while (reader.Read())
                {
                    devices.Add((byte[])reader.GetValue(0));
                }
            }

            var result = new List<(string, byte[])>();
            using var command = _reader.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT version FROM files WHERE folder = $f AND device = $d AND name = $n";
            command.Parameters.AddWithValue("$f", folder);
            var device = command.Parameters.Add("$d", SqliteType.Blob);
            var name = command.Parameters.Add("$n", SqliteType.Text);
            foreach (var peer in devices)
            {
                device.Value = peer;
                foreach (var each in names)
                {
                    name.Value = each;
                    if (command.ExecuteScalar() is byte[] version)
                    {
                        result.Add((each, version));
                    }
                }
            }

            return result;
        }
    }

    /// <summary>What this device holds of a peer's index for a folder; zeros when nothing.</summary>
    public PeerProgress GetPeerProgress(string folder, DeviceId device)
    {
        lock (_gate)
        {
            return ReadPeer(folder, device.Bytes.ToArray(), null);
        }
    }

    /// <summary>
    /// Entries of the given peers whose version differs from the local one (or that have no local
    /// entry): the candidates for pulling. Equal versions are filtered in SQL, so an index in sync
    /// costs one query and no decoding.
    /// </summary>
    public List<RemoteDifference> GetRemoteDifferences(string folder, IReadOnlyCollection<DeviceId> devices) =>
        GetRemoteDifferences(folder, devices, null, int.MaxValue).Differences;

    /// <summary>
    /// The differing entries of the names after <paramref name="after"/> (from the first name when null),
    /// in name order and at most <paramref name="maxNames"/> names per device: decoding all of them at
    /// once held 20,000 entries, about 20 MB, through a whole pull pass (docs/daemon.md, "Peak RSS").
    /// </summary>
    public RemoteDifferenceSlice GetRemoteDifferences(string folder, IReadOnlyCollection<DeviceId> devices, string? after, int maxNames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNames);
        lock (_gate)
        {
            var result = new List<RemoteDifference>();
            string? last = null;
            foreach (var device in devices)
            {
                // The local row comes with the join: the planner needs it for every name, and one lookup
                // per name (a statement prepared and run under the lock) made planning a directory rename
                // of 2,000 files the longest step before the index was sent (side-by-side d).
                using var command = Command(
                    """
                    SELECT r.name, r.entry, r.version, l.entry, l.version, l.inode FROM files r
                    LEFT JOIN files l ON l.folder = r.folder AND l.device = $local AND l.name = r.name
                    WHERE r.folder = $f AND r.device = $d AND (l.version IS NULL OR l.version <> r.version)
                      AND ($after IS NULL OR r.name > $after)
                    ORDER BY r.name LIMIT $n
                    """);
                command.Parameters.AddWithValue("$local", _localDevice);
                command.Parameters.AddWithValue("$f", folder);
                command.Parameters.AddWithValue("$d", device.Bytes.ToArray());
                command.Parameters.AddWithValue("$after", (object?)after ?? DBNull.Value);
                command.Parameters.AddWithValue("$n", maxNames);
                using var reader = command.ExecuteReader();
                var rows = 0;
                string? name = null;
                while (reader.Read())
                {
                    // Decoded by the planner, outside the lock, and only where the versions say it must.
                    name = reader.GetString(0);
                    var hasLocal = !reader.IsDBNull(3);
                    result.Add(new RemoteDifference(device, name, (byte[])reader.GetValue(1), (byte[])reader.GetValue(2),
                        hasLocal ? (byte[])reader.GetValue(3) : null, hasLocal ? (byte[])reader.GetValue(4) : null, hasLocal ? unchecked((ulong)reader.GetInt64(5)) : 0));
                    rows++;
                }

                // A device cut short ends the range where it stopped; with several devices, at the
                // earliest such name, so that every device's entry for a name is planned together.
                if (rows == maxNames && (last is null || StoredNameOrder.Compare(name!, last) < 0))
                {
                    last = name;
                }
            }

            if (last is not null && devices.Count > 1)
            {
                result.RemoveAll(d => StoredNameOrder.Compare(d.Name, last) > 0);
            }

            return new RemoteDifferenceSlice(result, last);
        }
    }

    /// <summary>Places in local files of any folder where a chunk with this hash sits.</summary>
    public List<ChunkLocation> FindLocalChunk(ReadOnlySpan<byte> hash, int limit = 4)
    {
        // Asked for every chunk of every file being pulled (64 small files at a time), so it reads over a
        // connection of its own: behind the main lock it waited for scans, plans and commits, and each
        // waiting pull blocked a thread-pool thread. WAL lets it read beside the writer; a chunk is found
        // once its file's record is committed, and callers verify the bytes against the hash anyway.
        lock (_readGate)
        {
            _reader ??= OpenReader(_connection.DataSource);
            using var command = _reader.CreateCommand();
            command.CommandText = "SELECT folder, name, offset, length FROM local_chunks WHERE hash = $h LIMIT $l";
            command.Parameters.AddWithValue("$h", hash.ToArray());
            command.Parameters.AddWithValue("$l", limit);
            var result = new List<ChunkLocation>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add(new ChunkLocation(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (int)reader.GetInt64(3)));
            }

            return result;
        }
    }

    /// <summary>
    /// Places in local files of any folder where chunks with these hashes sit, at most
    /// <paramref name="limitPerHash"/> per hash; hashes found nowhere are absent from the result. One
    /// query per few hundred hashes instead of one per chunk: rebuilding a big file asked once for each
    /// of its thousands of chunks, each time taking the lock that scans and the link also need.
    /// </summary>
    public Dictionary<ChunkHash, List<ChunkLocation>> FindLocalChunks(IReadOnlyCollection<ChunkHash> hashes, int limitPerHash = 4)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        const int PerQuery = 500; // well below SQLite's limit on parameters
        var result = new Dictionary<ChunkHash, List<ChunkLocation>>();
        foreach (var group in hashes.Distinct().Chunk(PerQuery))
        {
            // The lock is taken per group, so a long list does not hold others off for its whole length.
            lock (_gate)
            {
                using var command = Command(
                    "SELECT hash, folder, name, offset, length FROM local_chunks WHERE hash IN (" +
                    string.Join(',', Enumerable.Range(0, group.Length).Select(i => "$h" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")");
                for (var i = 0; i < group.Length; i++)
                {
                    command.Parameters.AddWithValue("$h" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), group[i].ToArray());
                }

                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var hash = new ChunkHash((byte[])reader.GetValue(0));
                    if (!result.TryGetValue(hash, out var places))
                    {
                        places = [];
                        result[hash] = places;
                    }

                    if (places.Count < limitPerHash)
                    {
                        places.Add(new ChunkLocation(reader.GetString(1), reader.GetString(2), reader.GetInt64(3), (int)reader.GetInt64(4)));
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Names of local, present files of a folder with this whole-file hash.</summary>
    public List<string> FindLocalByFileHash(string folder, ReadOnlySpan<byte> fileHash)
    {
        lock (_gate)
        {
            using var command = Command("SELECT name FROM files WHERE file_hash = $h AND folder = $f AND device = $d AND deleted = 0");
            command.Parameters.AddWithValue("$h", fileHash.ToArray());
            command.Parameters.AddWithValue("$f", folder);
            command.Parameters.AddWithValue("$d", _localDevice);
            var result = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add(reader.GetString(0));
            }

            return result;
        }
    }

    /// <summary>Forgets tombstones (local and announced) whose deletion is older than <paramref name="deletedBeforeNs"/>.</summary>
    public int ExpireTombstones(string folder, long deletedBeforeNs)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var select = Command("SELECT device, name, entry FROM files WHERE folder = $f AND deleted = 1", transaction);
            select.Parameters.AddWithValue("$f", folder);
            var expired = new List<(byte[] Device, string Name)>();
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    var entry = FileEntry.Parser.ParseFrom((byte[])reader.GetValue(2));
                    if (entry.ModifiedNs < deletedBeforeNs)
                    {
                        expired.Add(((byte[])reader.GetValue(0), reader.GetString(1)));
                    }
                }
            }

            using var delete = Command("DELETE FROM files WHERE folder = $f AND device = $d AND name = $n", transaction);
            delete.Parameters.Add("$f", SqliteType.Text);
            delete.Parameters.Add("$d", SqliteType.Blob);
            delete.Parameters.Add("$n", SqliteType.Text);
            foreach (var (device, name) in expired)
            {
                delete.Parameters["$f"].Value = folder;
                delete.Parameters["$d"].Value = device;
                delete.Parameters["$n"].Value = name;
                delete.ExecuteNonQuery();
            }

            transaction.Commit();
            if (expired.Count > 0)
            {
                Interlocked.Increment(ref _rowsRemoved);
            }

            return expired.Count;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_readGate)
        {
            _reader?.Dispose();
            _reader = null;
        }

        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    /// <summary>
    /// Opens a read-only connection to the index at <paramref name="path"/> (the store's own chunk
    /// lookups, and status reads beside the engine), reading the database through a memory map.
    /// </summary>
    public static SqliteConnection OpenReader(string path) => OpenReader(path, MapPragma);

    /// <summary>
    /// Opens a read-only connection to the index at <paramref name="path"/> that reads with <c>pread</c>
    /// into a page cache of 1 MiB and maps nothing: for the status reads, which since the index keeps
    /// the local totals read a row and the names changed since the previous poll, while the pages a map
    /// touched stayed in the daemon's RSS (15–25 MiB in the side-by-side benchmark).
    /// </summary>
    public static SqliteConnection OpenUnmappedReader(string path) => OpenReader(path, UnmappedReaderPragmas);

    private static SqliteConnection OpenReader(string path, string pragmas)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        try
        {
            Execute(connection, pragmas);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    // Runs the migrations the database lacks; returns the schema version it had before.
    private static int Migrate(SqliteConnection connection)
    {
        var version = ReadUserVersion(connection);
        if (version > IndexMigrations.All.Count)
        {
            throw new InvalidOperationException($"The index has schema version {version}, newer than this program's {IndexMigrations.All.Count}.");
        }

        for (var i = version; i < IndexMigrations.All.Count; i++)
        {
            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = IndexMigrations.All[i] + $"; PRAGMA user_version = {i + 1};";
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return version;
    }

    private static int ReadUserVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static StoredFile ReadFile(SqliteDataReader reader, int entryColumn, int inodeColumn) =>
        new(FileEntry.Parser.ParseFrom((byte[])reader.GetValue(entryColumn)), unchecked((ulong)reader.GetInt64(inodeColumn)));

    private static void Upsert(SqliteCommand command, string folder, byte[] device, FileEntry entry, ulong inode, bool local)
    {
        // By position, in UpsertCommand's order: a lookup by name compares strings for each of the ten
        // parameters of each of thousands of rows.
        var parameters = command.Parameters;
        parameters[0].Value = folder;
        parameters[1].Value = device;
        parameters[2].Value = entry.Name;
        parameters[3].Value = (long)entry.Sequence;
        parameters[4].Value = entry.Deleted ? 1 : 0;
        parameters[5].Value = (entry.Version ?? new Vector()).ToByteArray();
        parameters[6].Value = !entry.Deleted && entry.Manifest is { FileHash.Length: > 0 } manifest ? manifest.FileHash.ToByteArray() : DBNull.Value;
        parameters[7].Value = unchecked((long)inode);
        parameters[8].Value = entry.ToByteArray();
        parameters[9].Value = local ? CountedSize(entry) : DBNull.Value;
        command.ExecuteNonQuery();
    }

    private StoredFile? Get(string folder, byte[] device, string name)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _singleLookups);
            using var command = Command("SELECT entry, inode FROM files WHERE folder = $f AND device = $d AND name = $n");
            command.Parameters.AddWithValue("$f", folder);
            command.Parameters.AddWithValue("$d", device);
            command.Parameters.AddWithValue("$n", name);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadFile(reader, 0, 1) : null;
        }
    }

    // An upsert rather than INSERT OR REPLACE: a replace deletes the row and inserts it again, with every
    // index entry of it; the update changes in place only the index entries whose columns changed (for a
    // peer confirming a version this device has: the sequence).
    private SqliteCommand UpsertCommand(SqliteTransaction transaction)
    {
        var command = Command(
            """
            INSERT INTO files (folder, device, name, sequence, deleted, version, file_hash, inode, entry, counted_size)
            VALUES ($f, $d, $n, $s, $x, $v, $h, $i, $e, $c)
            ON CONFLICT (folder, device, name) DO UPDATE SET sequence = excluded.sequence, deleted = excluded.deleted,
                version = excluded.version, file_hash = excluded.file_hash, inode = excluded.inode, entry = excluded.entry,
                counted_size = excluded.counted_size
            """,
            transaction);
        foreach (var (name, type) in new[] { ("$f", SqliteType.Text), ("$d", SqliteType.Blob), ("$n", SqliteType.Text), ("$s", SqliteType.Integer), ("$x", SqliteType.Integer), ("$v", SqliteType.Blob), ("$h", SqliteType.Blob), ("$i", SqliteType.Integer), ("$e", SqliteType.Blob), ("$c", SqliteType.Integer) })
        {
            command.Parameters.Add(name, type);
        }

        return command;
    }

    private PeerProgress ReadFolder(string folder, SqliteTransaction? transaction = null)
    {
        using var command = Command("SELECT index_id, max_sequence FROM folders WHERE id = $f", transaction);
        command.Parameters.AddWithValue("$f", folder);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"Folder '{folder}' is not in the index.");
        }

        return new PeerProgress(unchecked((ulong)reader.GetInt64(0)), (ulong)reader.GetInt64(1));
    }

    private PeerProgress ReadPeer(string folder, byte[] device, SqliteTransaction? transaction)
    {
        using var command = Command("SELECT index_id, max_sequence FROM peers WHERE folder = $f AND device = $d", transaction);
        command.Parameters.AddWithValue("$f", folder);
        command.Parameters.AddWithValue("$d", device);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new PeerProgress(unchecked((ulong)reader.GetInt64(0)), (ulong)reader.GetInt64(1)) : default;
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
