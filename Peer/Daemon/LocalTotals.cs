using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Proto;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Daemon;

/// <summary>
/// Files and bytes in a folder's local index, for status. It reads over a read-only connection of its
/// own (never holding the engine's index lock), keeps the answer until the folder's sequence moves,
/// and while a folder is busy recounts at most every <see cref="RefreshInterval"/>; an idle folder is
/// always counted fresh. A count reads only type and size of each entry, the few bytes after its
/// name (<see cref="EntryHead"/>), so it costs the same whether a folder holds small files or files
/// whose manifests list thousands of chunks, and leaves little garbage.
/// </summary>
internal sealed class LocalTotals(StatusIndexConnection index, DeviceId local, IndexStore store, TimeProvider time)
{
    /// <summary>Least time between two counts of a folder that keeps changing.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Per local entry: the bytes after the name field (tag, length, name), where type and size
    /// follow (at most 21 bytes), the whole entry's length, and the name. The name's length prefix is
    /// one byte below 128 bytes of name and two below 16 KiB, longer than any path a file system takes.
    /// </summary>
    private const string CountQuery =
        """
        SELECT substr(entry, 2 + (CASE WHEN length(CAST(name AS BLOB)) < 128 THEN 1 ELSE 2 END) + length(CAST(name AS BLOB)), 21),
               length(entry) - 1 - (CASE WHEN length(CAST(name AS BLOB)) < 128 THEN 1 ELSE 2 END) - length(CAST(name AS BLOB)),
               name
        FROM files WHERE folder = $f AND device = $d AND deleted = 0
        """;

    private readonly Dictionary<string, (ulong Sequence, long Files, long Bytes, long At)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Files (not directories, links or deletes) and their bytes in <paramref name="folder"/>.</summary>
    public (long Files, long Bytes) Of(string folder, bool idle)
    {
        var sequence = store.GetFolder(folder).MaxSequence;
        lock (_gate)
        {
            if (_cache.TryGetValue(folder, out var cached) &&
                (cached.Sequence == sequence || (!idle && time.GetElapsedTime(cached.At) < RefreshInterval)))
            {
                return (cached.Files, cached.Bytes);
            }

            var (files, bytes) = Count(folder);
            _cache[folder] = (sequence, files, bytes, time.GetTimestamp());
            return (files, bytes);
        }
    }

    private (long Files, long Bytes) Count(string folder) => index.Read(connection => Count(connection, folder));

    private (long Files, long Bytes) Count(SqliteConnection connection, string folder)
    {
        long files = 0;
        long bytes = 0;
        using var command = connection.CreateCommand();
        command.CommandText = CountQuery;
        command.Parameters.AddWithValue("$f", folder);
        command.Parameters.AddWithValue("$d", local.Bytes.ToArray());
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var head = (byte[])reader.GetValue(0);
            if (!EntryHead.TryReadOrDecodeWhole(head, complete: head.Length == reader.GetInt64(1), out var type, out var size))
            {
                // Not laid out as this program writes entries: this one entry is decoded whole.
                var entry = WholeEntry(connection, folder, reader.GetString(2));
                (type, size) = entry is null ? (FileType.Directory, 0UL) : (entry.Type, entry.Size);
            }

            if (type == FileType.File)
            {
                files++;
                bytes += (long)size;
            }
        }

        return (files, bytes);
    }

    private FileEntry? WholeEntry(SqliteConnection connection, string folder, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT entry FROM files WHERE folder = $f AND device = $d AND name = $n";
        command.Parameters.AddWithValue("$f", folder);
        command.Parameters.AddWithValue("$d", local.Bytes.ToArray());
        command.Parameters.AddWithValue("$n", name);
        return command.ExecuteScalar() is byte[] bytes ? FileEntry.Parser.ParseFrom(bytes) : null;
    }
}
