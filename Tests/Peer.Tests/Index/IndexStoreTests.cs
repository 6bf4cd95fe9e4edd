using Google.Protobuf;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Mesh.Proto;
using Microsoft.Data.Sqlite;

namespace Mesh.Peer.Tests.Index;

public sealed class IndexStoreTests : IDisposable
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
    public void A_new_index_runs_every_migration_in_wal_mode()
    {
        using var store = Open();
        Assert.Equal(IndexStore.SchemaVersion, store.CurrentSchemaVersion);

        using var connection = new SqliteConnection($"Data Source={_home.Combine("index.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [SkippableFact]
    public void The_writer_reads_through_its_cache_and_maps_nothing()
    {
        // Each connection maps the file on its own and touched pages count in RSS once per map; the
        // writer touches nearly all of them, and its cache is never dropped by others' commits.
        Skip.IfNot(OperatingSystem.IsLinux(), "reads /proc/self/maps");
        var path = _home.Combine("index.db");
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", Enumerable.Range(0, 200).Select(i => (Entry($"file-{i}"), (ulong)i)).ToList());
        Assert.Equal(200, store.GetLocalSince("f", 0, 1000).Count);

        Assert.DoesNotContain(File.ReadLines("/proc/self/maps"), line => line.EndsWith(path, StringComparison.Ordinal));
    }

    [Fact]
    public void Files_are_a_rowid_table_so_seeks_compare_small_keys_and_not_large_entries()
    {
        // A WITHOUT ROWID table keeps whole rows in its key b-tree, and SQLite reads the whole record of a
        // cell that overflows its page before comparing a search key with it: one large entry among the
        // dividers was read again by every seek (docs/daemon.md, "Index seeks and large entries, session 9").
        using (Open())
        {
        }

        using var connection = new SqliteConnection($"Data Source={_home.Combine("index.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'files'";
        var schema = (string)command.ExecuteScalar()!;
        Assert.DoesNotContain("WITHOUT ROWID", schema, StringComparison.OrdinalIgnoreCase);
        command.CommandText = "SELECT count(*) FROM pragma_index_list('files') WHERE origin = 'pk' AND \"unique\" = 1";
        Assert.Equal(1L, command.ExecuteScalar());
        command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_list('files') WHERE origin = 'c' ORDER BY name)";
        Assert.Equal("files_by_hash,files_by_sequence", command.ExecuteScalar());
    }

    [Fact]
    public void An_index_of_schema_version_2_keeps_every_row_when_files_becomes_a_rowid_table()
    {
        var path = _home.Combine("index.db");
        var large = Entry("big.bin", 2);
        large.Manifest.Chunks.AddRange(Enumerable.Range(0, 5_000).Select(i => new ChunkRef { Hash = ByteString.CopyFrom(BitConverter.GetBytes(i).Concat(new byte[28]).ToArray()), Length = 65_536 }));
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = IndexMigrations.All[0] + "; " + IndexMigrations.All[1] + "; PRAGMA user_version = 2; INSERT INTO folders VALUES ('f', 5, 2);";
            command.ExecuteNonQuery();
            foreach (var (device, entry, inode) in new[] { (_local.Id, Entry("a.txt", 1), 11L), (_local.Id, large, 12L), (_peer.Id, Entry("a.txt", 7), 0L) })
            {
                command.CommandText = "INSERT INTO files VALUES ('f', $d, $n, $s, 0, $v, $h, $i, $e)";
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$d", device.Bytes.ToArray());
                command.Parameters.AddWithValue("$n", entry.Name);
                command.Parameters.AddWithValue("$s", (long)entry.Sequence);
                command.Parameters.AddWithValue("$v", entry.Version.ToByteArray());
                command.Parameters.AddWithValue("$h", entry.Manifest.FileHash.ToByteArray());
                command.Parameters.AddWithValue("$i", inode);
                command.Parameters.AddWithValue("$e", entry.ToByteArray());
                command.ExecuteNonQuery();
            }
        }

        using var store = Open();

        Assert.Equal(IndexStore.SchemaVersion, store.CurrentSchemaVersion);
        Assert.Equal(new PeerProgress(5, 2), store.GetFolder("f"));
        Assert.Equal(large, store.GetLocal("f", "big.bin")!.Entry);
        Assert.Equal(12UL, store.GetLocal("f", "big.bin")!.Inode);
        Assert.Equal(11UL, store.GetLocal("f", "a.txt")!.Inode);
        Assert.Equal(7UL, store.GetRemote("f", _peer.Id, "a.txt")!.Entry.Sequence);
        Assert.Equal(["a.txt", "big.bin"], store.GetLocalSince("f", 0, 10).Select(e => e.Name));

        // The upsert still finds the row by its key.
        store.CommitLocal("f", [(Entry("a.txt"), 21UL)]);
        Assert.Equal(21UL, store.GetLocal("f", "a.txt")!.Inode);
        Assert.Equal(2, store.GetAllLocal("f").Count);
    }

    [Fact]
    public void An_index_from_a_newer_program_is_refused()
    {
        using (Open())
        {
        }

        using (var connection = new SqliteConnection($"Data Source={_home.Combine("index.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {IndexStore.SchemaVersion + 1}";
            command.ExecuteNonQuery();
        }

        Assert.Throws<InvalidOperationException>(Open);
    }

    [Fact]
    public void Local_changes_get_increasing_sequences_and_survive_a_reopen()
    {
        using (var store = Open())
        {
            var folder = store.EnsureFolder("f", 77);
            Assert.Equal(new PeerProgress(77, 0), folder);
            store.CommitLocal("f", [(Entry("a"), 11UL), (Entry("b"), 12UL)]);
            store.CommitLocal("f", [(Entry("a"), 13UL)]);
        }

        using var reopened = Open();
        Assert.Equal(new PeerProgress(77, 3), reopened.EnsureFolder("f", 999));
        var since = reopened.GetLocalSince("f", 0, 10);
        Assert.Equal(new[] { ("b", 2UL), ("a", 3UL) }, since.Select(e => (e.Name, e.Sequence)));
        Assert.Equal(new[] { "a" }, reopened.GetLocalSince("f", 2, 10).Select(e => e.Name));
        Assert.Equal(13UL, reopened.GetLocal("f", "a")!.Inode);
    }

    [Fact]
    public void A_full_index_replaces_what_a_peer_announced_and_updates_add_to_it()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.StoreRemote("f", _peer.Id, 5, [Entry("old", sequence: 4)], replaceAll: true);
        store.StoreRemote("f", _peer.Id, 5, [Entry("x", sequence: 7), Entry("y", sequence: 8)], replaceAll: true);
        store.StoreRemote("f", _peer.Id, 5, [Entry("z", sequence: 9)], replaceAll: false);

        Assert.Null(store.GetRemote("f", _peer.Id, "old"));
        Assert.NotNull(store.GetRemote("f", _peer.Id, "z"));
        Assert.Equal(new PeerProgress(5, 9), store.GetPeerProgress("f", _peer.Id));

        // A new index generation from the peer drops what the old one said.
        store.StoreRemote("f", _peer.Id, 6, [Entry("fresh", sequence: 1)], replaceAll: false);
        Assert.Null(store.GetRemote("f", _peer.Id, "x"));
        Assert.Equal(new PeerProgress(6, 1), store.GetPeerProgress("f", _peer.Id));
    }

    [Fact]
    public void Only_entries_whose_version_differs_from_the_local_one_are_differences()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", [(Entry("same"), 0UL), (Entry("older"), 0UL)]);
        store.StoreRemote("f", _peer.Id, 5, [Entry("same"), Entry("older", version: VersionVector.Of((1, 2))), Entry("new")], replaceAll: true);

        var names = store.GetRemoteDifferences("f", [_peer.Id]).Select(d => d.Entry.Name).Order().ToArray();
        Assert.Equal(new[] { "new", "older" }, names);
    }

    [Fact]
    public void Differences_come_in_slices_that_keep_every_device_entry_of_a_name_together()
    {
        using var store = Open();
        using var third = DeviceIdentity.CreateEphemeral();
        store.EnsureFolder("f", 1);
        store.StoreRemote("f", _peer.Id, 5, new[] { "a", "b", "c", "d", "e" }.Select(n => Entry(n)).ToList(), replaceAll: true);
        store.StoreRemote("f", third.Id, 6, new[] { "a", "c", "e", "g", "i" }.Select(n => Entry(n)).ToList(), replaceAll: true);

        var slices = new List<string[]>();
        string? after = null;
        do
        {
            var slice = store.GetRemoteDifferences("f", [_peer.Id, third.Id], after, 3);
            slices.Add(slice.Differences.Select(d => d.Entry.Name).Order(StringComparer.Ordinal).ToArray());
            after = slice.Last;
        }
        while (after is not null);

        // The first device stops at "c" and the second at "e": the slice ends at "c", with both entries of "a" and "c".
        Assert.Equal(new[] { "a", "a", "b", "c", "c" }, slices[0]);
        Assert.Equal(new[] { "d", "e", "e", "g", "i" }, slices[1]);

        // The second device filled the second slice, so one more (empty) query finds the end.
        Assert.Equal(3, slices.Count);
        Assert.Empty(slices[2]);
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("a", "a/b")]
    [InlineData("a-b", "a/b")]
    [InlineData("\uFFFD", "\U0001F600")]
    [InlineData("\uE000x", "\U00010000")]
    public void Names_compare_in_the_order_the_index_sorts_them(string first, string second)
    {
        first = System.Text.RegularExpressions.Regex.Unescape(first);
        second = System.Text.RegularExpressions.Regex.Unescape(second);
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.StoreRemote("f", _peer.Id, 5, [Entry(second), Entry(first)], replaceAll: true);

        var sorted = store.GetRemoteDifferences("f", [_peer.Id], null, 10).Differences.Select(d => d.Entry.Name).ToArray();

        Assert.Equal(new[] { first, second }, sorted);
        Assert.True(StoredNameOrder.Compare(first, second) < 0);
        Assert.True(StoredNameOrder.Compare(second, first) > 0);
        Assert.Equal(0, StoredNameOrder.Compare(first, first));
    }

    [Fact]
    public void Differences_carry_the_local_record_so_planning_looks_up_no_name_on_its_own()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", [(Entry("older"), 7UL), (Deleted(Entry("gone")), 0UL)]);
        store.StoreRemote("f", _peer.Id, 5, [Entry("older", version: VersionVector.Of((1, 2))), Entry("gone", version: VersionVector.Of((1, 2))), Entry("new")], replaceAll: true);
        var lookupsBefore = store.SingleLookups;

        var differences = store.GetRemoteDifferences("f", [_peer.Id]).OrderBy(d => d.Entry.Name, StringComparer.Ordinal).ToList();
        var needs = NeedPlanner.Plan(differences);

        Assert.Equal(new[] { "gone", "new", "older" }, differences.Select(d => d.Entry.Name).ToArray());
        Assert.True(differences[0].Local!.Entry.Deleted);
        Assert.Null(differences[1].Local);
        Assert.Equal(7UL, differences[2].Local!.Inode);
        Assert.Equal(3, needs.Count);
        Assert.Equal(lookupsBefore, store.SingleLookups);
    }

    [Fact]
    public void Local_entries_since_a_sequence_are_read_as_stored_up_to_a_byte_budget_and_say_whether_more_follow()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        var committed = store.CommitLocal("f", Enumerable.Range(0, 10).Select(i => (Entry($"file-{i}"), (ulong)i)).ToList());
        var size = committed[0].CalculateSize();

        var (first, last, more) = store.ReadLocalSince("f", 0, (size * 4) + 1);
        var (rest, end, after) = store.ReadLocalSince("f", committed[3].Sequence, 1_000_000);
        var (single, _, _) = store.ReadLocalSince("f", 0, 1);
        var (none, unchanged, _) = store.ReadLocalSince("f", committed[9].Sequence, 1_000_000);

        Assert.Equal(committed.Take(4), first.Select(bytes => FileEntry.Parser.ParseFrom(bytes)));
        Assert.Equal(committed[3].Sequence, last);
        Assert.True(more);
        Assert.Equal(committed.Skip(4), rest.Select(bytes => FileEntry.Parser.ParseFrom(bytes)));
        Assert.Equal(committed[9].Sequence, end);
        Assert.False(after);
        Assert.Single(single);
        Assert.Empty(none);
        Assert.Equal(committed[9].Sequence, unchanged);
    }

    [Fact]
    public void Names_whose_announced_versions_the_local_one_covers_are_planned_without_decoding_either_entry()
    {
        // Bytes that are no FileEntry: decoding them would throw, so the plan shows what it decoded.
        var garbage = new byte[] { 0xFF, 0xFF, 0xFF };
        var older = VersionVector.Of((1, 1)).ToProto().ToByteArray();
        var newer = VersionVector.Of((1, 2)).ToProto().ToByteArray();
        var covered = new RemoteDifference(_peer.Id, "renamed-away", garbage, older, garbage, newer, 3);
        var needed = new RemoteDifference(_peer.Id, Entry("new", version: VersionVector.Of((1, 2))), null);

        var needs = NeedPlanner.Plan([covered, needed]);

        Assert.Equal("new", Assert.Single(needs).Entry.Name);
    }

    [Fact]
    public void A_batch_of_entries_stored_at_once_leaves_the_same_rows_and_answer_as_one_entry_at_a_time()
    {
        var local = new[] { Entry("a"), Entry("b"), Entry("c", version: VersionVector.Of((1, 3))) };
        var earlier = new[] { Entry("a", sequence: 1), Entry("b", sequence: 2), Entry("c", sequence: 9, version: VersionVector.Of((1, 2))) };
        var batches = new[]
        {
            new[] { Entry("a", sequence: 10), Entry("b", sequence: 11) },                                   // confirmations only
            new[] { Entry("a", sequence: 12), Entry("d", sequence: 13) },                                   // a name this device lacks
            new[] { Entry("b", sequence: 14), Entry("a", sequence: 15, version: VersionVector.Of((1, 5))) }, // a newer version
            new[] { Entry("c", sequence: 8, version: VersionVector.Of((1, 3))) },                            // out of order, confirming
        };

        using var bulk = IndexStore.Open(_home.Combine("bulk.db"), _local.Id);
        using var single = IndexStore.Open(_home.Combine("single.db"), _local.Id);
        foreach (var store in new[] { bulk, single })
        {
            store.EnsureFolder("f", 1);
            store.CommitLocal("f", local.Select(e => (e, 0UL)));
            store.StoreRemote("f", _peer.Id, 5, earlier, replaceAll: true);
        }

        var answers = new List<bool>();
        foreach (var batch in batches)
        {
            var together = bulk.StoreRemote("f", _peer.Id, 5, batch, replaceAll: false);
            var apart = batch.Select(e => single.StoreRemote("f", _peer.Id, 5, [e], replaceAll: false)).ToList().Any(changed => changed);
            Assert.Equal(apart, together);
            answers.Add(together);
        }

        Assert.Equal(new[] { false, true, true, false }, answers);
        Assert.Equal(single.GetPeerProgress("f", _peer.Id), bulk.GetPeerProgress("f", _peer.Id));
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            Assert.Equal(single.GetRemote("f", _peer.Id, name), bulk.GetRemote("f", _peer.Id, name));
        }

        Assert.Equal(
            single.GetRemoteDifferences("f", [_peer.Id]).Select(d => d.Name).Order(StringComparer.Ordinal),
            bulk.GetRemoteDifferences("f", [_peer.Id]).Select(d => d.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Storing_a_peers_entries_says_whether_they_can_change_what_is_needed()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", [(Entry("a"), 0UL), (Entry("b"), 0UL)]);

        Assert.True(store.StoreRemote("f", _peer.Id, 5, [Entry("a", sequence: 1)], replaceAll: true), "a replaced index");
        Assert.False(store.StoreRemote("f", _peer.Id, 5, [Entry("a", sequence: 2), Entry("b", sequence: 3)], replaceAll: false), "only what this device has");
        Assert.True(store.StoreRemote("f", _peer.Id, 5, [Entry("b", sequence: 4, version: VersionVector.Of((1, 2)))], replaceAll: false), "a newer version");
        Assert.True(store.StoreRemote("f", _peer.Id, 5, [Entry("c", sequence: 5)], replaceAll: false), "a name this device lacks");
    }

    [Fact]
    public void Chunks_and_whole_files_of_local_files_are_found_by_hash()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        var content = new byte[200_000];
        new Random(1).NextBytes(content);
        var entry = Entry("data.bin");
        entry.Manifest = Mesh.Chunking.ManifestBuilder.Build(content, Mesh.Chunking.ChunkerParameters.Default);
        store.CommitLocal("f", [(entry, 0UL)]);

        var second = entry.Manifest.Chunks[1];
        var location = Assert.Single(store.FindLocalChunk(second.Hash.Span));
        Assert.Equal(new ChunkLocation("f", "data.bin", entry.Manifest.Chunks[0].Length, (int)second.Length), location);
        Assert.Equal(new[] { "data.bin" }, store.FindLocalByFileHash("f", entry.Manifest.FileHash.Span));

        var deleted = Entry("data.bin");
        deleted.Deleted = true;
        store.CommitLocal("f", [(deleted, 0UL)]);
        Assert.Empty(store.FindLocalChunk(second.Hash.Span));
        Assert.Empty(store.FindLocalByFileHash("f", entry.Manifest.FileHash.Span));
    }

    [Fact]
    public void Chunks_of_many_hashes_are_found_in_one_call_and_unknown_hashes_are_left_out()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        var content = new byte[48 * 1024 * 1024];
        new Random(4).NextBytes(content);
        var entry = Entry("data.bin");
        entry.Manifest = Mesh.Chunking.ManifestBuilder.Build(content, Mesh.Chunking.ChunkerParameters.Default);
        store.CommitLocal("f", [(entry, 0UL)]);
        var hashes = entry.Manifest.Chunks.Select(c => new Mesh.Chunking.ChunkHash(c.Hash.Span)).ToList();
        Assert.True(hashes.Count > 500, "more hashes than one query takes");
        var unknown = Mesh.Chunking.ChunkHash.Compute([1, 2, 3]);

        var found = store.FindLocalChunks([.. hashes, unknown]);

        Assert.Equal(hashes.Count, found.Count);
        Assert.False(found.ContainsKey(unknown));
        long offset = 0;
        for (var i = 0; i < hashes.Count; i++)
        {
            Assert.Equal(new ChunkLocation("f", "data.bin", offset, (int)entry.Manifest.Chunks[i].Length), Assert.Single(found[hashes[i]]));
            offset += entry.Manifest.Chunks[i].Length;
        }
    }

    [Theory]
    [InlineData(false, 4)]   // a one-byte overwrite: the changed chunk (and at most its neighbour) go and come
    [InlineData(true, 1000)] // a one-byte insert near the start: every later row moves by one byte
    public void A_new_version_rewrites_only_the_chunk_rows_that_differ_and_every_chunk_is_found_at_its_new_offset(bool insert, int maxRowsWritten)
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        var block = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(block);
        var content = new byte[block.Length * 2]; // the same bytes twice: repeated chunks must keep a row each
        block.CopyTo(content, 0);
        block.CopyTo(content, block.Length);
        var entry = Entry("data.bin");
        entry.Manifest = Mesh.Chunking.ManifestBuilder.Build(content, Mesh.Chunking.ChunkerParameters.Default);
        store.CommitLocal("f", [(entry, 0UL)]);
        var before = store.ChunkRowsWritten;

        var edited = insert ? [.. content[..1000], (byte)42, .. content[1000..]] : (byte[])content.Clone();
        if (!insert)
        {
            edited[content.Length / 4] ^= 0xFF;
        }

        var next = Entry("data.bin");
        next.Manifest = Mesh.Chunking.ManifestBuilder.Build(edited, Mesh.Chunking.ChunkerParameters.Default);
        store.CommitLocal("f", [(next, 0UL)]);

        Assert.InRange(store.ChunkRowsWritten - before, 1, maxRowsWritten);
        var expected = new Dictionary<Mesh.Chunking.ChunkHash, List<ChunkLocation>>();
        long offset = 0;
        foreach (var chunk in next.Manifest.Chunks)
        {
            var hash = new Mesh.Chunking.ChunkHash(chunk.Hash.Span);
            if (!expected.TryGetValue(hash, out var list))
            {
                expected[hash] = list = [];
            }

            list.Add(new ChunkLocation("f", "data.bin", offset, (int)chunk.Length));
            offset += chunk.Length;
        }

        var gone = entry.Manifest.Chunks.Select(c => new Mesh.Chunking.ChunkHash(c.Hash.Span)).Where(h => !expected.ContainsKey(h)).ToList();
        var found = store.FindLocalChunks([.. expected.Keys, .. gone]);
        Assert.Equal(expected.Count, found.Count);
        foreach (var (hash, locations) in expected)
        {
            Assert.Equal(locations.OrderBy(l => l.Offset), found[hash].OrderBy(l => l.Offset));
        }
    }

    [Fact]
    public void A_rename_hint_is_followed_only_when_the_old_name_is_deleted_in_the_same_commit()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        var content = new byte[1024 * 1024];
        new Random(3).NextBytes(content);
        var manifest = Mesh.Chunking.ManifestBuilder.Build(content, Mesh.Chunking.ChunkerParameters.Default);
        FileEntry With(string name)
        {
            var entry = Entry(name);
            entry.Manifest = manifest;
            return entry;
        }

        store.CommitLocal("f", [(With("a"), 0UL), (With("b"), 0UL)]);
        var hash = new Mesh.Chunking.ChunkHash(manifest.Chunks[0].Hash.Span);

        // A copy of "a" (still there): its rows stay and the copy gets rows of its own.
        store.CommitLocal("f", [(With("copy"), 0UL)], new Dictionary<string, string> { ["copy"] = "a" });
        // A rename of "b": the rows change name once each.
        var before = store.ChunkRowsWritten;
        store.CommitLocal("f", [(With("moved"), 0UL), (Deleted(Entry("b")), 0UL)], new Dictionary<string, string> { ["moved"] = "b" });

        Assert.Equal(manifest.Chunks.Count, store.ChunkRowsWritten - before);
        Assert.Equal(new[] { "a", "copy", "moved" }, store.FindLocalChunks([hash])[hash].Select(l => l.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Tombstones_older_than_the_cutoff_are_forgotten()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        var old = Entry("old");
        old.Deleted = true;
        old.ModifiedNs = 100;
        var recent = Entry("recent");
        recent.Deleted = true;
        recent.ModifiedNs = 1000;
        store.CommitLocal("f", [(old, 0UL), (recent, 0UL)]);

        Assert.Equal(1, store.ExpireTombstones("f", 500));
        Assert.Null(store.GetLocal("f", "old"));
        Assert.NotNull(store.GetLocal("f", "recent"));
    }

    private IndexStore Open() => IndexStore.Open(_home.Combine("index.db"), _local.Id);

    [Fact]
    public void Peer_versions_are_read_beside_a_commit_that_holds_the_writer()
    {
        // The scanner asks for them right after a commit; under the writer's lock the 4,002 lookups of a
        // renamed directory kept the index sender from reading its next message.
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.StoreRemote("f", _peer.Id, 5, [Entry("a", sequence: 1, version: VersionVector.Of((9, 2)))], replaceAll: true);
        List<(string Name, byte[] Version)>? read = null;

        store.WhileWriterLocked(() =>
        {
            var reader = Task.Run(() => store.GetPeerVersions("f", ["a", "b"]));
            Assert.True(reader.Wait(TimeSpan.FromSeconds(30)), "the read waited for the writer's lock");
            read = reader.Result;
        });

        var (name, version) = Assert.Single(read!);
        Assert.Equal("a", name);
        Assert.Equal(VersionVector.Of((9, 2)).ToProto().ToByteArray(), version);
    }

    [Fact]
    public void A_name_renamed_away_and_deleted_in_one_commit_costs_no_chunk_statement_for_its_delete()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", [(WithChunks("old", 1, 2), 1UL), (WithChunks("other", 3), 2UL)]);
        var before = store.ChunkRowStatements;

        // old -> new: its rows go to new.
        store.CommitLocal("f", [(WithChunks("new", 1, 2), 1UL), (Deleted("old"), 0UL)],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["new"] = "old" });

        // One rename and one select (of the new name, whose rows are then found in place); the delete of
        // the old name selects nothing.
        Assert.Equal(2, store.ChunkRowStatements - before);
        Assert.Equal(["new"], store.FindLocalChunks([Hash(1)]).Single().Value.Select(l => l.Name));

        // A later commit renames other -> old (a name whose rows left earlier) and new -> new2.
        store.CommitLocal("f", [(WithChunks("old", 3), 2UL), (Deleted("other"), 0UL), (WithChunks("new2", 1, 2), 1UL), (Deleted("new"), 0UL)],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["old"] = "other", ["new2"] = "new" });

        Assert.Equal(["old"], store.FindLocalChunks([Hash(3)]).Single().Value.Select(l => l.Name));
        Assert.Equal(["new2"], store.FindLocalChunks([Hash(2)]).Single().Value.Select(l => l.Name));
    }

    private static Mesh.Chunking.ChunkHash Hash(int seed) => new(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));

    private static FileEntry WithChunks(string name, params int[] seeds)
    {
        var entry = Entry(name);
        foreach (var seed in seeds)
        {
            entry.Manifest.Chunks.Add(new ChunkRef { Hash = ByteString.CopyFrom(Hash(seed).ToArray()), Length = 100 });
            entry.Manifest.Size += 100;
        }

        entry.Size = entry.Manifest.Size;
        return entry;
    }

    private static FileEntry Deleted(string name)
    {
        var entry = Entry(name);
        entry.Deleted = true;
        entry.Manifest = null;
        return entry;
    }

    [Fact]
    public void Local_entries_under_a_path_are_the_path_and_its_subtree_only()
    {
        using var store = Open();
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", new[] { "a", "a/b", "a/b/c", "a.txt", "a-b", "a0", "ab", "b/a" }.Select(n => (Entry(n), 0UL)));

        Assert.Equal(["a", "a/b", "a/b/c"], store.GetLocalUnder("f", "a").Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["a/b", "a/b/c"], store.GetLocalUnder("f", "a/b").Keys.Order(StringComparer.Ordinal));
        Assert.Equal(8, store.GetLocalUnder("f", null).Count);
    }

    private static FileEntry Deleted(FileEntry entry)
    {
        entry.Deleted = true;
        entry.Manifest = null;
        return entry;
    }

    private static FileEntry Entry(string name, ulong sequence = 0, VersionVector? version = null) => new()
    {
        Name = name,
        Type = FileType.File,
        Version = (version ?? VersionVector.Of((1, 1))).ToProto(),
        Sequence = sequence,
        Manifest = new FileManifest { FileHash = ByteString.CopyFrom(new byte[32]) },
    };
}
