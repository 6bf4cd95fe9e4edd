using Mesh.Proto;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Index;

/// <summary>
/// The running totals of each folder's local files and bytes (table <c>local_totals</c>, kept by
/// triggers on <c>files</c>; <see cref="IndexMigrations"/>). Status reads them as one row where it once
/// counted the whole table on every poll, which touched every page of the index through the status
/// reader's memory map (15–25 MiB of resident memory in the side-by-side benchmark).
/// </summary>
internal sealed partial class IndexStore
{
    /// <summary>The query for the totals of folder <c>$f</c>: one row, or none while the folder has no files.</summary>
    public const string LocalTotalsQuery = "SELECT files, bytes FROM local_totals WHERE folder = $f";

    // The schema version that added counted_size and the totals.
    private const int CountedSizesVersion = 4;

    /// <summary>Files (not directories, links or deletes) and their bytes in the local index of <paramref name="folder"/>.</summary>
    public (long Files, long Bytes) GetLocalTotals(string folder)
    {
        lock (_gate)
        {
            using var command = Command(LocalTotalsQuery);
            return ReadLocalTotals(command, folder);
        }
    }

    /// <summary>Runs <paramref name="command"/> (text <see cref="LocalTotalsQuery"/>) for <paramref name="folder"/>.</summary>
    public static (long Files, long Bytes) ReadLocalTotals(SqliteCommand command, string folder)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$f", folder);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
    }

    // What a row adds to its folder's totals: a local file that is not deleted counts its size.
    private static object CountedSize(FileEntry entry) =>
        entry is { Deleted: false, Type: FileType.File } ? unchecked((long)entry.Size) : DBNull.Value;

    // An index of an older schema has every row's counted_size NULL: the local rows get theirs here, once,
    // and the update trigger adds them to the totals.
    private static void FillCountedSizes(SqliteConnection connection, byte[] localDevice)
    {
        using var transaction = connection.BeginTransaction();
        var sizes = new List<(string Folder, string Name, long Size)>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT folder, name, entry FROM files WHERE device = $d AND deleted = 0";
            select.Parameters.AddWithValue("$d", localDevice);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var entry = FileEntry.Parser.ParseFrom((byte[])reader.GetValue(2));
                if (CountedSize(entry) is long size)
                {
                    sizes.Add((reader.GetString(0), reader.GetString(1), size));
                }
            }
        }

        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE files SET counted_size = $c WHERE folder = $f AND device = $d AND name = $n";
        var folderParameter = update.Parameters.Add("$f", SqliteType.Text);
        update.Parameters.AddWithValue("$d", localDevice);
        var nameParameter = update.Parameters.Add("$n", SqliteType.Text);
        var sizeParameter = update.Parameters.Add("$c", SqliteType.Integer);
        foreach (var (folder, name, size) in sizes)
        {
            folderParameter.Value = folder;
            nameParameter.Value = name;
            sizeParameter.Value = size;
            update.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
