using Mesh.Chunking;
using Mesh.Proto;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Index;

/// <summary>
/// Brings the <c>local_chunks</c> rows of one file in step with its new manifest, inside the caller's
/// transaction, touching only rows that differ. A one-byte overwrite in a 512 MiB file used to delete
/// and re-insert all ~7,000 rows (each insert also a random write into the by-hash index); now it
/// deletes one row and inserts one. An insert near the start shifts every later offset: those rows get
/// an <c>UPDATE</c> of offset only, which SQLite applies without touching either index.
/// </summary>
internal sealed class LocalChunkRows : IDisposable
{
    private readonly SqliteCommand _select;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _move;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _rename;
    private readonly Dictionary<ChunkHash, Queue<(long RowId, long Offset, long Length)>> _old = [];
    private readonly HashSet<string> _renamedAway = new(StringComparer.Ordinal);

    /// <summary>Rows inserted, moved, renamed or deleted so far (tests check that an edit touches few).</summary>
    public long RowsWritten { get; private set; }

    /// <summary>Statements run so far (selects, inserts, updates, deletes; tests check that a rename costs few).</summary>
    public long Statements { get; private set; }

    /// <summary>Prepares the statements on <paramref name="connection"/> within <paramref name="transaction"/>.</summary>
    public LocalChunkRows(SqliteConnection connection, SqliteTransaction transaction)
    {
        _select = Create(connection, transaction, "SELECT rowid, hash, offset, length FROM local_chunks WHERE folder = $f AND name = $n", ("$f", SqliteType.Text), ("$n", SqliteType.Text));
        _delete = Create(connection, transaction, "DELETE FROM local_chunks WHERE rowid = $r", ("$r", SqliteType.Integer));
        _move = Create(connection, transaction, "UPDATE local_chunks SET offset = $o, length = $l WHERE rowid = $r", ("$o", SqliteType.Integer), ("$l", SqliteType.Integer), ("$r", SqliteType.Integer));
        _insert = Create(connection, transaction, "INSERT INTO local_chunks (hash, folder, name, offset, length) VALUES ($h, $f, $n, $o, $l)",
            ("$h", SqliteType.Blob), ("$f", SqliteType.Text), ("$n", SqliteType.Text), ("$o", SqliteType.Integer), ("$l", SqliteType.Integer));
        _rename = Create(connection, transaction, "UPDATE local_chunks SET name = $to WHERE folder = $f AND name = $from",
            ("$to", SqliteType.Text), ("$f", SqliteType.Text), ("$from", SqliteType.Text));
    }

    /// <summary>
    /// Gives the rows of <paramref name="from"/> to <paramref name="to"/> (a renamed file), leaving the hash
    /// index alone: for a directory of 2,000 renamed files that is 2,000 updates instead of deleting and
    /// inserting every row. Call <see cref="Replace"/> for <paramref name="to"/> afterwards, which finds
    /// the rows in place when the content is the same.
    /// </summary>
    public void Rename(string folder, string from, string to)
    {
        _rename.Parameters["$to"].Value = to;
        _rename.Parameters["$f"].Value = folder;
        _rename.Parameters["$from"].Value = from;
        Statements++;
        RowsWritten += _rename.ExecuteNonQuery();
        _renamedAway.Add(from);
        _renamedAway.Remove(to);
    }

    /// <summary>Makes the rows of <paramref name="name"/> list exactly the chunks of <paramref name="manifest"/> (none when null).</summary>
    public void Replace(string folder, string name, FileManifest? manifest)
    {
        if (manifest is null && _renamedAway.Contains(name))
        {
            // Its rows went to the new name and none came since: nothing to select or delete. The
            // delete of each old name of a renamed directory (2,000 in side-by-side d) selected nothing.
            return;
        }

        _renamedAway.Remove(name);
        _old.Clear();
        _select.Parameters["$f"].Value = folder;
        _select.Parameters["$n"].Value = name;
        Statements++;
        using (var reader = _select.ExecuteReader())
        {
            while (reader.Read())
            {
                var key = new ChunkHash((byte[])reader.GetValue(1));
                if (!_old.TryGetValue(key, out var rows))
                {
                    _old[key] = rows = new Queue<(long, long, long)>(1);
                }

                rows.Enqueue((reader.GetInt64(0), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }

        if (manifest is not null)
        {
            long offset = 0;
            foreach (var chunk in manifest.Chunks)
            {
                var hash = new ChunkHash(chunk.Hash.Span);
                if (_old.TryGetValue(hash, out var rows) && rows.TryDequeue(out var row))
                {
                    if (row.Offset != offset || row.Length != chunk.Length)
                    {
                        _move.Parameters["$o"].Value = offset;
                        _move.Parameters["$l"].Value = (long)chunk.Length;
                        _move.Parameters["$r"].Value = row.RowId;
                        _move.ExecuteNonQuery();
                        Statements++;
                        RowsWritten++;
                    }
                }
                else
                {
                    _insert.Parameters["$h"].Value = hash.ToArray();
                    _insert.Parameters["$f"].Value = folder;
                    _insert.Parameters["$n"].Value = name;
                    _insert.Parameters["$o"].Value = offset;
                    _insert.Parameters["$l"].Value = (long)chunk.Length;
                    _insert.ExecuteNonQuery();
                    Statements++;
                    RowsWritten++;
                }

                offset += chunk.Length;
            }
        }

        foreach (var rows in _old.Values)
        {
            foreach (var row in rows)
            {
                _delete.Parameters["$r"].Value = row.RowId;
                _delete.ExecuteNonQuery();
                Statements++;
                RowsWritten++;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _select.Dispose();
        _delete.Dispose();
        _move.Dispose();
        _insert.Dispose();
        _rename.Dispose();
    }

    private static SqliteCommand Create(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (parameterName, type) in parameters)
        {
            command.Parameters.Add(parameterName, type);
        }

        return command;
    }
}
