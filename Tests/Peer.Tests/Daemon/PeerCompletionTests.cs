using Google.Protobuf;
using Mesh.Peer.Control;
using Mesh.Peer.Daemon;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Daemon;

public sealed class PeerCompletionTests : IDisposable
{
    private readonly TempFolder _home = new();
    private readonly DeviceIdentity _local = DeviceIdentity.CreateEphemeral();
    private readonly DeviceIdentity _peer = DeviceIdentity.CreateEphemeral();

    public void Dispose()
    {
        _peer.Dispose();
        _local.Dispose();
        _home.Dispose();
    }

    [Fact]
    public void What_the_peer_lacks_is_counted_by_kind_and_version()
    {
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        var committed = store.CommitLocal("f",
        [
            (File("missing.txt", 10, Version((1, 1))), 1UL),
            (File(new string('ü', 64) + "/long", 20, Version((1, 1))), 2UL), // a two-byte name length prefix
            (new FileEntry { Name = "dir", Type = FileType.Directory, Version = Version((1, 1)) }, 3UL),
            (new FileEntry { Name = "gone-unseen", Type = FileType.File, Size = 7, Deleted = true, Version = Version((1, 1)) }, 4UL),
            (File("older-there", 40, Version((1, 2))), 5UL),
            (File("same", 50, Version((1, 1))), 6UL),
            (new FileEntry { Name = "gone-both", Type = FileType.File, Deleted = true, Version = Version((1, 2)) }, 7UL),
        ]);
        store.StoreRemote("f", _peer.Id, 9,
        [
            File("older-there", 40, Version((1, 1))),
            committed.Single(e => e.Name == "same"),
            new FileEntry { Name = "gone-both", Type = FileType.File, Deleted = true, Version = Version((1, 1)) },
        ], replaceAll: true);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var completion = new PeerCompletion(index, _local.Id, store);

        var report = completion.Of("f", _peer.Id);

        Assert.Equal(4, report.NeedFiles); // missing.txt, the long name, dir, older-there
        Assert.Equal(10L + 20 + 40, report.NeedBytes);
    }

    [Fact]
    public void Names_the_peer_lacks_are_counted_without_decoding_their_manifests()
    {
        // A peer catching up lacks most names; decoding each (as the count once did) allocated every
        // manifest on every refresh: here 100 entries of 1,000 chunks, over 10 MB.
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", Enumerable.Range(0, 100).Select(i => (File($"file-{i}", 1000, Version((1, 1)), chunks: 1000), (ulong)i)).ToList());
        store.CommitLocal("f", [(File("one-more", 1, Version((1, 1))), 999UL)]);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        index.Read(_ => 0); // opening the connection is not the count's
        var completion = new PeerCompletion(index, _local.Id, store);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var report = completion.Of("f", _peer.Id);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((101L, 100_001L), (report.NeedFiles, report.NeedBytes));
        Assert.True(allocated < 1_000_000, $"the count allocated {allocated} bytes");
    }

    [Fact]
    public void Every_answer_is_exact_while_the_folder_changes()
    {
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", [(File("a", 1, Version((1, 1))), 1UL)]);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var completion = new PeerCompletion(index, _local.Id, store);
        Assert.Equal(1, completion.Of("f", _peer.Id).NeedFiles);

        store.CommitLocal("f", [(File("b", 1, Version((1, 1))), 2UL)]);

        Assert.Equal(2, completion.Of("f", _peer.Id).NeedFiles);
    }

    [Fact]
    public void Polls_while_nothing_changed_compare_nothing()
    {
        using var store = FiftyFilesOfWhichThePeerHasForty(out _);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var completion = new PeerCompletion(index, _local.Id, store);
        Assert.Equal((10L, 100L), Need(completion.Of("f", _peer.Id)));

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal((10L, 100L), Need(completion.Of("f", _peer.Id)));
        }

        Assert.Equal(1, completion.WholeFolderComparisons);
        Assert.Equal(0, completion.NamesCompared);
    }

    [Fact]
    public void A_poll_after_a_change_compares_only_the_names_that_changed()
    {
        using var store = FiftyFilesOfWhichThePeerHasForty(out var committed);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var completion = new PeerCompletion(index, _local.Id, store);
        completion.Of("f", _peer.Id);

        // The peer announces three more of ours, and one local file gets a new version.
        store.StoreRemote("f", _peer.Id, 9, committed.Skip(40).Take(3).ToList(), replaceAll: false);
        store.CommitLocal("f", [(File("file-0", 25, Version((1, 2))), 0UL)]);
        var report = completion.Of("f", _peer.Id);

        Assert.Equal((8L, 95L), Need(report)); // seven never announced, file-0 newer here
        Assert.Equal(1, completion.WholeFolderComparisons);
        Assert.Equal(4, completion.NamesCompared);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Entries_removed_without_a_new_sequence_are_compared_anew(bool peerIndexReplaced)
    {
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        var committed = store.CommitLocal("f",
        [
            (File("kept", 10, Version((1, 1))), 1UL),
            (new FileEntry { Name = "gone", Type = FileType.File, Deleted = true, ModifiedNs = 5, Version = Version((1, 2)) }, 0UL),
        ]);
        store.StoreRemote("f", _peer.Id, 9, [committed[0], File("gone", 30, Version((1, 1)))], replaceAll: true);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var completion = new PeerCompletion(index, _local.Id, store);
        Assert.Equal((1L, 0L), Need(completion.Of("f", _peer.Id))); // the delete of "gone"

        if (peerIndexReplaced)
        {
            // The same index id, sent whole again: its sequences need not pass the last one seen.
            store.StoreRemote("f", _peer.Id, 9, [committed[1]], replaceAll: true);
            Assert.Equal((1L, 10L), Need(completion.Of("f", _peer.Id))); // now "kept" is missing there
        }
        else
        {
            Assert.Equal(1, store.ExpireTombstones("f", deletedBeforeNs: 10));
            Assert.Equal((0L, 0L), Need(completion.Of("f", _peer.Id)));
        }

        Assert.Equal(2, completion.WholeFolderComparisons);
    }

    [Fact]
    public void A_peer_that_has_it_all_is_seen_at_once()
    {
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        var committed = store.CommitLocal("f", [(File("a", 1, Version((1, 1))), 1UL)]);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var completion = new PeerCompletion(index, _local.Id, store);
        Assert.Equal(1, completion.Of("f", _peer.Id).NeedFiles);

        store.StoreRemote("f", _peer.Id, 9, committed, replaceAll: true);

        Assert.Equal(0, completion.Of("f", _peer.Id).NeedFiles);
    }

    [Fact]
    public void After_the_peer_had_it_all_only_entries_committed_since_are_compared()
    {
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        var committed = store.CommitLocal("f", [(File("a", 1, Version((1, 1))), 1UL)]);
        store.StoreRemote("f", _peer.Id, 9, committed, replaceAll: true);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var completion = new PeerCompletion(index, _local.Id, store);
        Assert.Equal(0, completion.Of("f", _peer.Id).NeedFiles);

        // Behind the store's back, "a" gets a newer local version under its old sequence: a whole-folder
        // comparison would count it, one of the entries committed since does not look at it.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_home.Combine("index.db")}"))
        {
            connection.Open();
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE files SET version = x'01', entry = $e WHERE folder = 'f' AND device = $d AND name = 'a'";
            update.Parameters.AddWithValue("$e", File("a", 1, Version((1, 2))).ToByteArray());
            update.Parameters.AddWithValue("$d", _local.Id.Bytes.ToArray());
            Assert.Equal(1, update.ExecuteNonQuery());
        }

        store.CommitLocal("f", [(File("b", 5, Version((1, 1))), 2UL)]);

        var report = completion.Of("f", _peer.Id);
        Assert.Equal((1L, 5L), (report.NeedFiles, report.NeedBytes));
    }

    [Fact]
    public void Entries_committed_after_the_peer_had_it_all_are_counted_until_it_has_them()
    {
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        var first = store.CommitLocal("f", [(File("a", 1, Version((1, 1))), 1UL)]);
        store.StoreRemote("f", _peer.Id, 9, first, replaceAll: true);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var completion = new PeerCompletion(index, _local.Id, store);
        Assert.Equal(0, completion.Of("f", _peer.Id).NeedFiles);

        var second = store.CommitLocal("f", [(File("b", 5, Version((1, 1))), 2UL), (File("a", 3, Version((1, 2))), 1UL)]);
        var report = completion.Of("f", _peer.Id);
        Assert.Equal((2L, 8L), (report.NeedFiles, report.NeedBytes));

        store.StoreRemote("f", _peer.Id, 9, second, replaceAll: false);
        Assert.Equal(0, completion.Of("f", _peer.Id).NeedFiles);
    }

    private static (long Files, long Bytes) Need(PeerFolderReport report) => (report.NeedFiles, report.NeedBytes);

    private static Vector Version(params (ulong Device, ulong Counter)[] counters) =>
        VersionVector.Of(counters).ToProto();

    private static FileEntry File(string name, long size, Vector version, int chunks = 1)
    {
        var manifest = new FileManifest { Size = (ulong)size, FileHash = ByteString.CopyFrom(new byte[32]) };
        for (var i = 0; i < chunks; i++)
        {
            manifest.Chunks.Add(new ChunkRef { Length = 65536u, Hash = ByteString.CopyFrom(new byte[32]) });
        }

        return new FileEntry { Name = name, Type = FileType.File, Size = (ulong)size, Version = version, Manifest = manifest };
    }

    // Fifty local files of 10 bytes; the peer announces the first forty of them.
    private IndexStore FiftyFilesOfWhichThePeerHasForty(out IReadOnlyList<FileEntry> committed)
    {
        var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        committed = store.CommitLocal("f", Enumerable.Range(0, 50).Select(i => (File($"file-{i}", 10, Version((1, 1))), (ulong)i)).ToList());
        store.StoreRemote("f", _peer.Id, 9, committed.Take(40).ToList(), replaceAll: true);
        return store;
    }
}
