using Google.Protobuf;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Mesh.Proto;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Tests.Index;

/// <summary>The running totals of local files and bytes the index keeps per folder, against a full recount.</summary>
public sealed class LocalTotalsIndexTests : IDisposable
{
    private readonly TempFolder _home = new();
    private readonly DeviceIdentity _local = DeviceIdentity.CreateEphemeral();
    private readonly DeviceIdentity _peer = DeviceIdentity.CreateEphemeral();

    public void Dispose()
    {
        _local.Dispose();
        _peer.Dispose();
        _home.Dispose();
    }

    [Fact]
    public void Totals_equal_a_full_recount_after_inserts_changes_deletes_renames_and_peer_updates()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.EnsureFolder("g", 2);
        Assert.Equal((0L, 0L), store.GetLocalTotals("f"));

        store.CommitLocal("f", Enumerable.Range(0, 50).Select(i => (File($"d/file-{i}", 100 + i), (ulong)i)).ToList());
        store.CommitLocal("g", [(File("other", 7), 1UL)]);
        AssertRecount(store, "f");
        Assert.Equal((1L, 7L), store.GetLocalTotals("g"));

        // Changes of size, a file that became a directory and one that became a link, an empty file.
        store.CommitLocal("f",
        [
            (File("d/file-0", 5000), 0UL),
            (new FileEntry { Name = "d/file-1", Type = FileType.Directory, Version = Version() }, 1UL),
            (new FileEntry { Name = "d/file-2", Type = FileType.Symlink, SymlinkTarget = "x", Version = Version() }, 2UL),
            (File("empty", 0), 99UL),
        ]);
        AssertRecount(store, "f");

        // Deletes, a delete of a name never seen, and a delete of something already deleted.
        store.CommitLocal("f", [(Deleted("d/file-3"), 0UL), (Deleted("never"), 0UL), (Deleted("d/file-3"), 0UL)]);
        AssertRecount(store, "f");

        // A rename: the old names deleted and the new ones added in one commit.
        var renames = Enumerable.Range(10, 20).SelectMany(i => new[] { (Deleted($"d/file-{i}"), 0UL), (File($"e/file-{i}", 100 + i), (ulong)i) }).ToList();
        store.CommitLocal("f", renames, Enumerable.Range(10, 20).ToDictionary(i => $"e/file-{i}", i => $"d/file-{i}"));
        AssertRecount(store, "f");

        // A deleted name that comes back.
        store.CommitLocal("f", [(File("d/file-3", 33), 3UL)]);
        AssertRecount(store, "f");

        // What a peer announces, a whole new index of it included, counts for nothing locally.
        var before = store.GetLocalTotals("f");
        store.StoreRemote("f", _peer.Id, 9, [File("d/file-40", 1 << 20), File("peer-only", 1 << 20)], replaceAll: false);
        store.StoreRemote("f", _peer.Id, 10, [File("peer-only-2", 1 << 20)], replaceAll: true);
        Assert.Equal(before, store.GetLocalTotals("f"));
        AssertRecount(store, "f");

        // Forgotten tombstones and a pulled file rolled back (its record put back, or removed).
        store.ExpireTombstones("f", long.MaxValue);
        var pulled = File("pulled", 4096);
        var pending = new PendingDurability("pulled", 5, 4096, 0, new byte[32], null, 0, null);
        store.CommitLocalPendingDurability("f", pulled, 5, pending);
        AssertRecount(store, "f");
        store.RollBackPendingDurability("f", pending, forget: false);
        AssertRecount(store, "f");
        var replaced = new PendingDurability("d/file-40", 6, 9, 0, new byte[32], null, 4, File("d/file-40", 140));
        store.CommitLocalPendingDurability("f", File("d/file-40", 9), 6, replaced);
        store.RollBackPendingDurability("f", replaced, forget: false);
        AssertRecount(store, "f");
        Assert.Equal((1L, 7L), store.GetLocalTotals("g"));
    }

    [Fact]
    public void An_index_written_before_the_totals_gets_them_when_opened()
    {
        var path = _home.Combine("index.db");
        using (var store = Open())
        {
            store.EnsureFolder("f", 1);
            store.CommitLocal("f", [(File("a", 10), 1UL), (File("b", 20), 2UL), (Deleted("c"), 0UL),
                (new FileEntry { Name = "dir", Type = FileType.Directory, Version = Version() }, 3UL)]);
            store.StoreRemote("f", _peer.Id, 9, [File("peer-only", 1 << 20)], replaceAll: false);
        }

        // Back to the schema before the totals, as an older build left it.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                """
                DROP TRIGGER local_totals_insert; DROP TRIGGER local_totals_update; DROP TRIGGER local_totals_delete;
                DROP TABLE local_totals; ALTER TABLE files DROP COLUMN counted_size; PRAGMA user_version = 3;
                """;
            command.ExecuteNonQuery();
        }

        using var reopened = Open();
        Assert.Equal(IndexStore.SchemaVersion, reopened.CurrentSchemaVersion);
        Assert.Equal((2L, 30L), reopened.GetLocalTotals("f"));
        reopened.CommitLocal("f", [(Deleted("a"), 0UL)]);
        Assert.Equal((1L, 20L), reopened.GetLocalTotals("f"));
    }

    private static void AssertRecount(IndexStore store, string folder)
    {
        var files = store.GetAllLocal(folder).Values.Select(s => s.Entry).Where(e => !e.Deleted && e.Type == FileType.File).ToList();
        Assert.Equal((files.Count, files.Sum(e => (long)e.Size)), store.GetLocalTotals(folder));
    }

    private IndexStore Open() => IndexStore.Open(_home.Combine("index.db"), _local.Id);

    private static Vector Version() => VersionVector.Of((1, 1)).ToProto();

    private static FileEntry Deleted(string name) => new() { Name = name, Type = FileType.File, Deleted = true, Version = Version() };

    private static FileEntry File(string name, long size) => new()
    {
        Name = name,
        Type = FileType.File,
        Size = (ulong)size,
        Version = Version(),
        Manifest = new FileManifest { Size = (ulong)size, FileHash = ByteString.CopyFrom(new byte[32]) },
    };
}
