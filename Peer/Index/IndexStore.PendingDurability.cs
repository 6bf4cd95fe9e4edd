using Google.Protobuf;
using Mesh.Proto;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Index;

/// <summary>The rows of pulled files whose data is not yet known to be durable (<see cref="PendingDurability"/>).</summary>
internal sealed partial class IndexStore
{
    /// <summary>
    /// Commits the record of a pulled file together with its pending-durability row, and makes that
    /// transaction durable before returning (the write-ahead log is synced for it, unlike other commits):
    /// the file's rename may reach the disk before its data, and the row must then already be there for
    /// the next start to find.
    /// </summary>
    public void CommitLocalPendingDurability(string folder, FileEntry entry, ulong inode, PendingDurability pending)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(pending);
        lock (_gate)
        {
            Execute(_connection, "PRAGMA synchronous=FULL");
            try
            {
                using var transaction = _connection.BeginTransaction();
                CommitLocalIn(transaction, folder, [(entry, inode)], null, null);
                using var insert = Command(
                    """
                    INSERT OR REPLACE INTO pending_durability (folder, name, inode, size, modified_ns, file_hash, rollback, old_inode, old_entry)
                    VALUES ($f, $n, $i, $s, $m, $h, $r, $oi, $oe)
                    """, transaction);
                insert.Parameters.AddWithValue("$f", folder);
                insert.Parameters.AddWithValue("$n", pending.Name);
                insert.Parameters.AddWithValue("$i", unchecked((long)pending.Inode));
                insert.Parameters.AddWithValue("$s", pending.Size);
                insert.Parameters.AddWithValue("$m", pending.ModifiedNs);
                insert.Parameters.AddWithValue("$h", pending.FileHash);
                insert.Parameters.AddWithValue("$r", (object?)pending.Rollback ?? DBNull.Value);
                insert.Parameters.AddWithValue("$oi", unchecked((long)pending.OldInode));
                insert.Parameters.AddWithValue("$oe", pending.OldEntry is null ? DBNull.Value : pending.OldEntry.ToByteArray());
                insert.ExecuteNonQuery();
                transaction.Commit();
            }
            finally
            {
                Execute(_connection, "PRAGMA synchronous=NORMAL");
            }
        }
    }

    /// <summary>Every pending-durability row of a folder.</summary>
    public List<PendingDurability> GetPendingDurability(string folder)
    {
        lock (_gate)
        {
            using var command = Command("SELECT name, inode, size, modified_ns, file_hash, rollback, old_inode, old_entry FROM pending_durability WHERE folder = $f ORDER BY name");
            command.Parameters.AddWithValue("$f", folder);
            using var reader = command.ExecuteReader();
            var rows = new List<PendingDurability>();
            while (reader.Read())
            {
                rows.Add(new PendingDurability(
                    reader.GetString(0),
                    unchecked((ulong)reader.GetInt64(1)),
                    reader.GetInt64(2),
                    reader.GetInt64(3),
                    (byte[])reader.GetValue(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    unchecked((ulong)reader.GetInt64(6)),
                    reader.IsDBNull(7) ? null : FileEntry.Parser.ParseFrom((byte[])reader.GetValue(7))));
            }

            return rows;
        }
    }

    /// <summary>
    /// Deletes the rows of files that are now durable, each only while it still names the inode that was
    /// flushed (a later pull of the same name has its own row); returns the rows deleted.
    /// </summary>
    public List<PendingDurability> ClearPendingDurability(string folder, IReadOnlyCollection<(string Name, ulong Inode)> durable)
    {
        ArgumentNullException.ThrowIfNull(durable);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var delete = Command("DELETE FROM pending_durability WHERE folder = $f AND name = $n AND inode = $i RETURNING rollback", transaction);
            delete.Parameters.Add("$f", SqliteType.Text);
            delete.Parameters.Add("$n", SqliteType.Text);
            delete.Parameters.Add("$i", SqliteType.Integer);
            var cleared = new List<PendingDurability>();
            foreach (var (name, inode) in durable)
            {
                delete.Parameters["$f"].Value = folder;
                delete.Parameters["$n"].Value = name;
                delete.Parameters["$i"].Value = unchecked((long)inode);
                using var reader = delete.ExecuteReader();
                if (reader.Read())
                {
                    cleared.Add(new PendingDurability(name, inode, 0, 0, [], reader.IsDBNull(0) ? null : reader.GetString(0), 0, null));
                }
            }

            transaction.Commit();
            return cleared;
        }
    }

    /// <summary>
    /// Undoes the record of a pull whose file did not survive (<see cref="PendingDurability"/>), in one
    /// transaction with the deletion of its row: the record before the pull is put back under a new local
    /// sequence, so peers learn it again and this device pulls the file again; with
    /// <paramref name="forget"/>, or when there was no record before, the name's local record is removed
    /// instead (nothing announced, the pull simply runs again).
    /// </summary>
    public void RollBackPendingDurability(string folder, PendingDurability pending, bool forget)
    {
        ArgumentNullException.ThrowIfNull(pending);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            if (pending.OldEntry is { } old && !forget)
            {
                CommitLocalIn(transaction, folder, [(old, old.Deleted ? 0 : pending.OldInode)], null, null);
            }
            else
            {
                using var remove = Command("DELETE FROM files WHERE folder = $f AND device = $d AND name = $n", transaction);
                remove.Parameters.AddWithValue("$f", folder);
                remove.Parameters.AddWithValue("$d", _localDevice);
                remove.Parameters.AddWithValue("$n", pending.Name);
                remove.ExecuteNonQuery();
                using var chunkRows = new LocalChunkRows(_connection, transaction);
                chunkRows.Replace(folder, pending.Name, null);
            }

            DeletePendingRow(transaction, folder, pending.Name);
            transaction.Commit();
            if (pending.OldEntry is null || forget)
            {
                Interlocked.Increment(ref _rowsRemoved);
            }
        }
    }

    /// <summary>Deletes a pending-durability row whatever inode it names (recovery found nothing to undo).</summary>
    public void DropPendingDurability(string folder, string name)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            DeletePendingRow(transaction, folder, name);
            transaction.Commit();
        }
    }

    private void DeletePendingRow(SqliteTransaction transaction, string folder, string name)
    {
        using var delete = Command("DELETE FROM pending_durability WHERE folder = $f AND name = $n", transaction);
        delete.Parameters.AddWithValue("$f", folder);
        delete.Parameters.AddWithValue("$n", name);
        delete.ExecuteNonQuery();
    }
}
