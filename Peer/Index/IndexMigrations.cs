namespace Mesh.Peer.Index;

/// <summary>
/// The index schema as an ordered list of migrations; the database's <c>user_version</c> says how many
/// have run. A new schema is a new entry at the end, never an edit of an old one.
/// </summary>
internal static class IndexMigrations
{
    /// <summary>Migration <c>i</c> takes the schema from version <c>i</c> to <c>i + 1</c>.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        """
        CREATE TABLE folders (
            id TEXT PRIMARY KEY,
            index_id INTEGER NOT NULL,
            max_sequence INTEGER NOT NULL);
        CREATE TABLE files (
            folder TEXT NOT NULL,
            device BLOB NOT NULL,
            name TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            version BLOB NOT NULL,
            file_hash BLOB,
            inode INTEGER NOT NULL,
            entry BLOB NOT NULL,
            PRIMARY KEY (folder, device, name)) WITHOUT ROWID;
        CREATE INDEX files_by_sequence ON files (folder, device, sequence);
        CREATE INDEX files_by_hash ON files (file_hash) WHERE file_hash IS NOT NULL;
        CREATE TABLE local_chunks (
            hash BLOB NOT NULL,
            folder TEXT NOT NULL,
            name TEXT NOT NULL,
            offset INTEGER NOT NULL,
            length INTEGER NOT NULL);
        CREATE INDEX local_chunks_by_hash ON local_chunks (hash);
        CREATE INDEX local_chunks_by_name ON local_chunks (folder, name);
        CREATE TABLE peers (
            folder TEXT NOT NULL,
            device BLOB NOT NULL,
            index_id INTEGER NOT NULL,
            max_sequence INTEGER NOT NULL,
            PRIMARY KEY (folder, device)) WITHOUT ROWID;
        """,
        // Pulled files renamed into place before their data is durable (PendingDurability).
        """
        CREATE TABLE pending_durability (
            folder TEXT NOT NULL,
            name TEXT NOT NULL,
            inode INTEGER NOT NULL,
            size INTEGER NOT NULL,
            modified_ns INTEGER NOT NULL,
            file_hash BLOB NOT NULL,
            rollback TEXT,
            old_inode INTEGER NOT NULL,
            old_entry BLOB,
            PRIMARY KEY (folder, name)) WITHOUT ROWID;
        """,
        // files as a rowid table (docs/daemon.md, "Index seeks and large entries, session 9"). WITHOUT
        // ROWID kept each whole row, entry included, in the key's b-tree, and SQLite compares a search key
        // with a cell whose record overflows its page only after reading the whole record: a file of a
        // few thousand chunks became a divider of that b-tree, and every seek that passed it read its
        // 272 KiB of overflow pages again (137,000 page reads on the pulling side of the 1 GiB benchmark).
        // Now the key lives in the primary key's own index, with small cells, and rows are found by rowid.
        """
        CREATE TABLE files_by_rowid (
            folder TEXT NOT NULL,
            device BLOB NOT NULL,
            name TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            version BLOB NOT NULL,
            file_hash BLOB,
            inode INTEGER NOT NULL,
            entry BLOB NOT NULL,
            PRIMARY KEY (folder, device, name));
        INSERT INTO files_by_rowid (folder, device, name, sequence, deleted, version, file_hash, inode, entry)
            SELECT folder, device, name, sequence, deleted, version, file_hash, inode, entry FROM files ORDER BY folder, device, name;
        DROP TABLE files;
        ALTER TABLE files_by_rowid RENAME TO files;
        CREATE INDEX files_by_sequence ON files (folder, device, sequence);
        CREATE INDEX files_by_hash ON files (file_hash) WHERE file_hash IS NOT NULL;
        """,
        // Files and bytes of each folder's local index, kept by triggers in the transaction of every change
        // so that status reads one row instead of the whole files table (docs/daemon.md, "Memory, session
        // 9"). counted_size is the size of a local, present file and NULL for every other row (directories,
        // links, deletes, what peers announced). Rows written before this migration are filled in by
        // IndexStore when it runs (CountedSizes.Fill), which the triggers then add up.
        """
        ALTER TABLE files ADD COLUMN counted_size INTEGER;
        CREATE TABLE local_totals (
            folder TEXT PRIMARY KEY,
            files INTEGER NOT NULL,
            bytes INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TRIGGER local_totals_insert AFTER INSERT ON files WHEN NEW.counted_size IS NOT NULL
        BEGIN
            INSERT INTO local_totals (folder, files, bytes) VALUES (NEW.folder, 1, NEW.counted_size)
                ON CONFLICT (folder) DO UPDATE SET files = files + 1, bytes = bytes + excluded.bytes;
        END;
        CREATE TRIGGER local_totals_delete AFTER DELETE ON files WHEN OLD.counted_size IS NOT NULL
        BEGIN
            UPDATE local_totals SET files = files - 1, bytes = bytes - OLD.counted_size WHERE folder = OLD.folder;
        END;
        CREATE TRIGGER local_totals_update AFTER UPDATE OF counted_size ON files WHEN OLD.counted_size IS NOT NEW.counted_size
        BEGIN
            UPDATE local_totals SET files = files - 1, bytes = bytes - OLD.counted_size
                WHERE folder = OLD.folder AND OLD.counted_size IS NOT NULL;
            INSERT INTO local_totals (folder, files, bytes) SELECT NEW.folder, 1, NEW.counted_size WHERE NEW.counted_size IS NOT NULL
                ON CONFLICT (folder) DO UPDATE SET files = files + 1, bytes = bytes + excluded.bytes;
        END;
        """,
    ];
}
