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
    ];
}
