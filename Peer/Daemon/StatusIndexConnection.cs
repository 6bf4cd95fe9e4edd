using Mesh.Peer.Index;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Daemon;

/// <summary>
/// The one read-only index connection that the status counts (<see cref="LocalTotals"/>,
/// <see cref="PeerCompletion"/>) share, opened on first use and used by one of them at a time. Each
/// SQLite connection maps the database file on its own, and the pages a mapping touched count in the
/// process's RSS once per mapping, so two status connections reading the same tables held those pages
/// twice (docs/daemon.md, "Memory"). Since then it does not map the file at all.
/// </summary>
internal sealed class StatusIndexConnection(string indexPath) : IDisposable
{
    private readonly Lock _gate = new();
    private SqliteConnection? _connection;

    /// <summary>Connections opened so far (one unless it was disposed and used again); lets tests check the sharing.</summary>
    internal int Opened { get; private set; }

    /// <summary>Runs <paramref name="read"/> on the connection; no other reader uses it meanwhile.</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_gate)
        {
            if (_connection is null)
            {
                _connection = IndexStore.OpenReader(indexPath);
                Unmap(_connection);
                Opened++;
            }

            return read(_connection);
        }
    }

    // Status reads every local entry (recounts) and joins them with a peer's, so through a map it
    // touched the whole index, 15–20 MiB of RSS on each side of the side-by-side scenario b. It reads
    // through a small page cache instead: a recount is at most once a second while a folder is busy,
    // and a completion query stops at its first difference. The full count and completion of a
    // 22,000-entry index cost the same CPU either way (decoding dominates; docs/daemon.md, "Peak RSS").
    private static void Unmap(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA mmap_size=0; PRAGMA cache_size=-1024;";
        command.ExecuteNonQuery();
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
}
