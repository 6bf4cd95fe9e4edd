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
/// a read-only connection of its own (WAL lets it read beside the engine's writer), and the
/// comparison is done in SQL, so a folder in sync costs one query that returns no rows.
/// </summary>
internal sealed class PeerCompletion(StatusIndexConnection index, DeviceId local, IndexStore store, TimeProvider time)
{
    /// <summary>
    /// How long a non-zero answer is reused while both sides keep changing (status is polled often, 20
    /// times a second by the benchmark). Only the progress figures wait for it: a peer that has it all
    /// is seen at once (<see cref="Of"/>).
    /// </summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private const string Differences =
        """
        FROM files l
        LEFT JOIN files r ON r.folder = l.folder AND r.device = $peer AND r.name = l.name
        WHERE l.folder = $f AND l.device = $local AND (r.version IS NULL OR r.version <> l.version)
        """;

    // Per difference: whether the peer lacks the name, the local delete flag, type and size read from
    // the head of the local entry, and both whole entries only where the peer has the name (versions
    // to compare). A peer catching up lacks most names, and for those nothing is decoded.
    private const string DifferenceRows =
        "SELECT r.name IS NULL, l.deleted, " + EntryHead.HeadOfLocal + ", " + EntryHead.RestOfLocalLength +
        ", CASE WHEN r.name IS NULL THEN NULL ELSE l.entry END, r.entry, l.name " + Differences;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Folder, DeviceId Peer), Cached> _cache = [];

    /// <summary>
    /// The peer's progress in <paramref name="folder"/>. Unchanged sequences on both sides reuse the
    /// last answer; an index in sync is always answered fresh, so "the peer has it all" shows as soon
    /// as it is true. When the peer had it all and only local entries changed since (the peer's index
    /// as it was), only those entries are compared: a device pulling from that peer commits many
    /// times a second, and comparing the whole folder after each commit was its largest status cost.
    /// </summary>
    public PeerFolderReport Of(string folder, DeviceId peer)
    {
        var localSequence = store.GetFolder(folder).MaxSequence;
        var remote = store.GetPeerProgress(folder, peer);
        var remoteSequence = remote.MaxSequence;
        lock (_gate)
        {
            long files;
            long bytes;
            if (_cache.TryGetValue((folder, peer), out var cached))
            {
                var same = cached.LocalSequence == localSequence && cached.Remote == remote;
                if (same || (cached.Files > 0 && time.GetElapsedTime(cached.At) < RefreshInterval && AnyDifference(folder, peer)))
                {
                    return new PeerFolderReport(folder, cached.Files, cached.Bytes, localSequence, remoteSequence);
                }

                if (cached.Files == 0 && cached.Remote == remote && localSequence > cached.LocalSequence)
                {
                    (files, bytes) = Compute(folder, peer, cached.LocalSequence);
                    _cache[(folder, peer)] = new Cached(localSequence, remote, files, bytes, time.GetTimestamp());
                    return new PeerFolderReport(folder, files, bytes, localSequence, remoteSequence);
                }
            }

            (files, bytes) = Compute(folder, peer, since: null);
            _cache[(folder, peer)] = new Cached(localSequence, remote, files, bytes, time.GetTimestamp());
            return new PeerFolderReport(folder, files, bytes, localSequence, remoteSequence);
        }
    }

    // Asked on every poll while the peer catches up, so it stops at the first difference, looking from
    // the newest local entries, which are the ones a peer that is still pulling lacks. Counting them all
    // (a join over every local entry, ~30 ms for 22,000) at 20 polls a second was the largest share of a
    // sender's CPU while a receiver pulled 20,000 small files.
    private bool AnyDifference(string folder, DeviceId peer) => index.Read(connection =>
    {
        using var command = Command(connection, "SELECT 1 " + Differences + " ORDER BY l.sequence DESC LIMIT 1", folder, peer);
        return command.ExecuteScalar() is not null;
    });

    // With since, only local entries of a later sequence (files_by_sequence finds them) are compared.
    private (long Files, long Bytes) Compute(string folder, DeviceId peer, ulong? since) =>
        index.Read(connection => Compute(connection, folder, peer, since));

    private (long Files, long Bytes) Compute(SqliteConnection connection, string folder, DeviceId peer, ulong? since)
    {
        long files = 0;
        long bytes = 0;
        using var command = Command(connection, since is null ? DifferenceRows : DifferenceRows + " AND l.sequence > $since", folder, peer);
        if (since is { } after)
        {
            command.Parameters.AddWithValue("$since", (long)after);
        }

        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (reader.GetBoolean(0))
            {
                // Missing there: counts unless it is a delete the peer never saw the file of.
                if (reader.GetBoolean(1))
                {
                    continue;
                }

                files++;
                var head = (byte[])reader.GetValue(2);
                var (type, size) = EntryHead.TryReadOrDecodeWhole(head, complete: head.Length == reader.GetInt64(3), out var headType, out var headSize)
                    ? (headType, headSize)
                    : TypeAndSize(connection, folder, reader);
                bytes += type == FileType.File ? (long)size : 0;
                continue;
            }

            var mine = FileEntry.Parser.ParseFrom((byte[])reader.GetValue(4));
            var theirs = FileEntry.Parser.ParseFrom((byte[])reader.GetValue(5));
            if (PeerLacks(mine, theirs))
            {
                files++;
                bytes += mine is { Deleted: false, Type: FileType.File } ? (long)mine.Size : 0;
            }
        }

        return (files, bytes);
    }

    // An entry not laid out as this program writes them: this one is decoded whole.
    private (FileType Type, ulong Size) TypeAndSize(SqliteConnection connection, string folder, SqliteDataReader row)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT entry FROM files WHERE folder = $f AND device = $d AND name = $n";
        command.Parameters.AddWithValue("$f", folder);
        command.Parameters.AddWithValue("$d", local.Bytes.ToArray());
        command.Parameters.AddWithValue("$n", row.GetString(6));
        return command.ExecuteScalar() is byte[] entry && FileEntry.Parser.ParseFrom(entry) is { } whole ? (whole.Type, whole.Size) : (FileType.Directory, 0UL);
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

    private sealed record Cached(ulong LocalSequence, PeerProgress Remote, long Files, long Bytes, long At);
}
