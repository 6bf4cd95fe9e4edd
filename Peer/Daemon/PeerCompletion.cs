using Mesh.Peer.Control;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Mesh.Proto;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Daemon;

/// <summary>
/// How far a peer's announced copy of a folder is from this device's, for status: the names whose
/// local version the peer has not announced (missing there, or older there). It reads the index over
/// the status connection (WAL lets it read beside the engine's writer) and keeps, per folder and peer,
/// the names the peer lacks. The whole folder is compared once; after that each answer compares only
/// the names whose local or announced entry got a new sequence since the last answer, so a poll while
/// nothing changed costs two index lookups that find nothing, and a sync costs in all about one
/// comparison per entry that changed, however often status is asked.
/// </summary>
/// <remarks>
/// Session 7 re-ran a whole-folder join whenever either sequence had moved, up to 20 times a second
/// while the benchmark polled: 55% of a daemon's CPU in the status path during scenario d.
/// </remarks>
internal sealed class PeerCompletion(StatusIndexConnection index, DeviceId local, IndexStore store)
{
    // Per name, in the shape Lacks reads: the name, whether the peer lacks it, the local delete flag,
    // type and size read from the head of the local entry, and both whole entries only where both sides
    // have the name in different versions. A peer catching up lacks most names, and for those nothing is
    // decoded; a name in sync costs a comparison of two version blobs.
    private const string Columns =
        "l.name, r.name IS NULL, l.deleted, " + EntryHead.HeadOfLocal + ", " + EntryHead.RestOfLocalLength +
        ", CASE WHEN r.name IS NULL OR r.version = l.version THEN NULL ELSE l.entry END" +
        ", CASE WHEN r.version = l.version THEN NULL ELSE r.entry END";

    private const string PeerRow = "LEFT JOIN files r ON r.folder = l.folder AND r.device = $peer AND r.name = l.name";

    private const string WholeFolder =
        "SELECT " + Columns + " FROM files l " + PeerRow +
        " WHERE l.folder = $f AND l.device = $local AND (r.version IS NULL OR r.version <> l.version)";

    // Names with a local or an announced entry of a later sequence than the last answer's (both found
    // through files_by_sequence). A name only the peer has is not something the peer lacks: the inner
    // join leaves it out.
    private const string ChangedNames =
        """
        WITH changed(name) AS (
            SELECT name FROM files WHERE folder = $f AND device = $local AND sequence > $localAfter
            UNION
            SELECT name FROM files WHERE folder = $f AND device = $peer AND sequence > $peerAfter)
        SELECT
        """ + " " + Columns + " FROM changed c JOIN files l ON l.folder = $f AND l.device = $local AND l.name = c.name " + PeerRow;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Folder, DeviceId Peer), Tally> _tallies = [];

    /// <summary>Whole-folder comparisons so far (one per folder and peer, again after a reset); lets tests see that polls do not redo them.</summary>
    internal long WholeFolderComparisons { get; private set; }

    /// <summary>Names compared one by one after a change so far; lets tests see what a poll costs.</summary>
    internal long NamesCompared { get; private set; }

    /// <summary>
    /// The peer's progress in <paramref name="folder"/>, exact as of the index when asked: a peer that
    /// has it all is seen as soon as its index says so.
    /// </summary>
    public PeerFolderReport Of(string folder, DeviceId peer)
    {
        lock (_gate)
        {
            // Read before the read transaction begins: the store moves it after its own commit, so a removal
            // this snapshot already holds is at worst compared twice, never missed.
            var removals = store.RowsRemoved;
            return index.Read(connection =>
            {
                using var snapshot = connection.BeginTransaction(deferred: true);
                var localFolder = ReadProgress(connection, "SELECT index_id, max_sequence FROM folders WHERE id = $f", folder, peer);
                var remote = ReadProgress(connection, "SELECT index_id, max_sequence FROM peers WHERE folder = $f AND device = $peer", folder, peer);
                if (!_tallies.TryGetValue((folder, peer), out var tally) || tally.Local.IndexId != localFolder.IndexId ||
                    tally.Remote.IndexId != remote.IndexId || remote.MaxSequence < tally.Remote.MaxSequence ||
                    localFolder.MaxSequence < tally.Local.MaxSequence || tally.Removals != removals)
                {
                    tally = new Tally();
                    _tallies[(folder, peer)] = tally;
                    WholeFolderComparisons++;
                    Compare(connection, tally, WholeFolder, folder, peer, null);
                }
                else if (tally.Local != localFolder || tally.Remote != remote)
                {
                    NamesCompared += Compare(connection, tally, ChangedNames, folder, peer, (tally.Local.MaxSequence, tally.Remote.MaxSequence));
                }

                tally.Local = localFolder;
                tally.Remote = remote;
                tally.Removals = removals;
                return new PeerFolderReport(folder, tally.Lacking.Count, tally.Bytes, localFolder.MaxSequence, remote.MaxSequence);
            });
        }
    }

    // Sets each returned name's place in the tally; returns how many names were compared.
    private int Compare(SqliteConnection connection, Tally tally, string query, string folder, DeviceId peer, (ulong Local, ulong Peer)? after)
    {
        using var command = Command(connection, query, folder, peer);
        if (after is var (localAfter, peerAfter))
        {
            command.Parameters.AddWithValue("$localAfter", (long)localAfter);
            command.Parameters.AddWithValue("$peerAfter", (long)peerAfter);
        }

        var compared = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            compared++;
            var name = reader.GetString(0);
            if (Lacks(connection, folder, reader) is { } bytes)
            {
                tally.Set(name, bytes);
            }
            else
            {
                tally.Remove(name);
            }
        }

        if (tally.Lacking.Count == 0)
        {
            // A peer that caught up on many names leaves a large table behind otherwise.
            tally.Lacking.TrimExcess();
        }

        return compared;
    }

    // The bytes the peer lacks of this row's name (0 for a directory, link or delete), or null when the
    // peer has it.
    private long? Lacks(SqliteConnection connection, string folder, SqliteDataReader row)
    {
        if (row.GetBoolean(1))
        {
            // Missing there: counts unless it is a delete the peer never saw the file of.
            if (row.GetBoolean(2))
            {
                return null;
            }

            var head = (byte[])row.GetValue(3);
            var (type, size) = EntryHead.TryReadOrDecodeWhole(head, complete: head.Length == row.GetInt64(4), out var headType, out var headSize)
                ? (headType, headSize)
                : TypeAndSize(connection, folder, row.GetString(0));
            return type == FileType.File ? (long)size : 0;
        }

        if (row.IsDBNull(5))
        {
            return null; // the same version on both sides
        }

        var mine = FileEntry.Parser.ParseFrom((byte[])row.GetValue(5));
        var theirs = FileEntry.Parser.ParseFrom((byte[])row.GetValue(6));
        return PeerLacks(mine, theirs) ? (mine is { Deleted: false, Type: FileType.File } ? (long)mine.Size : 0) : null;
    }

    // An entry not laid out as this program writes them: this one is decoded whole.
    private (FileType Type, ulong Size) TypeAndSize(SqliteConnection connection, string folder, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT entry FROM files WHERE folder = $f AND device = $d AND name = $n";
        command.Parameters.AddWithValue("$f", folder);
        command.Parameters.AddWithValue("$d", local.Bytes.ToArray());
        command.Parameters.AddWithValue("$n", name);
        return command.ExecuteScalar() is byte[] entry && FileEntry.Parser.ParseFrom(entry) is { } whole ? (whole.Type, whole.Size) : (FileType.Directory, 0UL);
    }

    private PeerProgress ReadProgress(SqliteConnection connection, string query, string folder, DeviceId peer)
    {
        using var command = Command(connection, query, folder, peer);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new PeerProgress(unchecked((ulong)reader.GetInt64(0)), (ulong)reader.GetInt64(1)) : default;
    }

    private SqliteCommand Command(SqliteConnection connection, string text, string folder, DeviceId peer)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        command.Parameters.AddWithValue("$peer", peer.Bytes.ToArray());
        command.Parameters.AddWithValue("$local", local.Bytes.ToArray());
        command.Parameters.AddWithValue("$f", folder);
        return command;
    }

    // There in an older or concurrent version counts unless both sides have it deleted.
    private static bool PeerLacks(FileEntry mine, FileEntry theirs)
    {
        if (mine.Deleted && theirs.Deleted)
        {
            return false;
        }

        var ordering = VersionVector.FromProto(mine.Version).Compare(VersionVector.FromProto(theirs.Version));
        return ordering is VersionOrdering.Greater or VersionOrdering.Concurrent;
    }

    // What the last answer for one folder and peer rested on: both sides' progress as read, the store's
    // removal count, and the names the peer lacked with the bytes each counted for.
    private sealed class Tally
    {
        public PeerProgress Local { get; set; }

        public PeerProgress Remote { get; set; }

        public long Removals { get; set; }

        public Dictionary<string, long> Lacking { get; } = new(StringComparer.Ordinal);

        public long Bytes { get; private set; }

        public void Set(string name, long bytes)
        {
            Bytes += Lacking.TryGetValue(name, out var before) ? bytes - before : bytes;
            Lacking[name] = bytes;
        }

        public void Remove(string name)
        {
            if (Lacking.Remove(name, out var before))
            {
                Bytes -= before;
            }
        }
    }
}
