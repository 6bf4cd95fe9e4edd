using Mesh.Peer.Index;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Daemon;

/// <summary>
/// The one read-only index connection that the status counts (<see cref="LocalTotals"/>,
/// <see cref="PeerCompletion"/>) share, opened on first use and used by one of them at a time. Each
/// SQLite connection maps the database file on its own, and the pages a mapping touched count in the
/// process's RSS once per mapping, so two status connections reading the same tables held those pages
/// twice (docs/daemon.md, "Memory"). It reads through a memory map like the store's own reader: without
/// one (session 7) every poll re-read the tables with <c>pread</c>, and a sender answering status polls
/// while its peer caught up spent whole seconds of CPU there (docs/daemon.md, "Peak RSS (session 7)").
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
                _connection = IndexStore.OpenUnmappedReader(indexPath);
                Opened++;
            }

            return read(_connection);
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
}
