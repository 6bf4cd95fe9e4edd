using Mesh.Peer.Index;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Daemon;

/// <summary>
/// The one read-only index connection that the status reads (<see cref="LocalTotals"/>,
/// <see cref="PeerCompletion"/>) share, opened on first use and used by one of them at a time. It maps
/// nothing (<see cref="IndexStore.OpenUnmappedReader"/>): the pages a map touches count in the
/// process's RSS for as long as the map lives, and a poll now reads the folder's totals row and the names
/// changed since the previous poll, a few pages. While status still counted whole tables, an unmapped
/// reader re-read them with <c>pread</c> on every poll and burned seconds of CPU (sessions 7 and 8), and a
/// mapped one kept 15–25 MiB of the index resident (docs/daemon.md, "Memory, session 9").
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
