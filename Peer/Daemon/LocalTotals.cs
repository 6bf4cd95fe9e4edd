using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Proto;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Daemon;

/// <summary>
/// Files and bytes in a folder's local index, for status. Counting decodes every local entry, so it
/// reads over a read-only connection of its own (never holding the engine's index lock), keeps the
/// answer until the folder's sequence moves, and while a folder is busy recounts at most every
/// <see cref="RefreshInterval"/>; an idle folder is always counted fresh.
/// </summary>
internal sealed class LocalTotals(string indexPath, DeviceId local, IndexStore store, TimeProvider time) : IDisposable
{
    /// <summary>Least time between two counts of a folder that keeps changing.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, (ulong Sequence, long Files, long Bytes, long At)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private SqliteConnection? _connection;

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

            long files = 0;
            long bytes = 0;
            _connection ??= Open(indexPath);
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT entry FROM files WHERE folder = $f AND device = $d AND deleted = 0";
            command.Parameters.AddWithValue("$f", folder);
            command.Parameters.AddWithValue("$d", local.Bytes.ToArray());
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var entry = FileEntry.Parser.ParseFrom((byte[])reader.GetValue(0));
                if (entry.Type == FileType.File)
                {
                    files++;
                    bytes += (long)entry.Size;
                }
            }

            _cache[folder] = (sequence, files, bytes, time.GetTimestamp());
            return (files, bytes);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    private static SqliteConnection Open(string path)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        return connection;
    }
}
