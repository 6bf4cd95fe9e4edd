using Mesh.Peer.Files;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Scanning;
using Mesh.Peer.Sync;
using Mesh.Peer.Tests.Sync;
using Mesh.Proto;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Peer.Tests.Scanning;

public sealed class FolderScannerTests : IDisposable
{
    private readonly TempFolder _home = new();
    private readonly DeviceIdentity _identity = DeviceIdentity.CreateEphemeral();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly string _root;

    public FolderScannerTests()
    {
        _root = _home.Combine("folder");
        Directory.CreateDirectory(_root);
    }

    public void Dispose()
    {
        _identity.Dispose();
        _home.Dispose();
    }

    [Fact]
    public async Task Unchanged_files_are_not_read_again_even_after_a_restart()
    {
        Write("a.txt", 1000);
        Write("dir/b.bin", 3_000_000);
        using (var store = OpenStore())
        {
            var first = await Scanner(store).ScanAsync(null, null, CancellationToken.None);
            Assert.Equal(3, first.Changed);
            Assert.Equal(3_001_000, first.HashedBytes);
        }

        using var reopened = OpenStore();
        var second = await Scanner(reopened).ScanAsync(null, null, CancellationToken.None);
        Assert.Equal(0, second.Changed);
        Assert.Equal(0, second.HashedBytes);
    }

    [Fact]
    public async Task Only_the_changed_file_is_rehashed_and_gets_a_newer_version()
    {
        Write("a.txt", 1000);
        Write("b.txt", 2000);
        using var store = OpenStore();
        var scanner = Scanner(store);
        await scanner.ScanAsync(null, null, CancellationToken.None);
        var before = store.GetLocal("f", "a.txt")!.Entry;

        Write("a.txt", 1500, seed: 9);
        var result = await scanner.ScanAsync(null, null, CancellationToken.None);

        Assert.Equal(1, result.Changed);
        Assert.Equal(1500, result.HashedBytes);
        var after = store.GetLocal("f", "a.txt")!.Entry;
        Assert.Equal(VersionOrdering.Greater, VersionVector.FromProto(after.Version).Compare(VersionVector.FromProto(before.Version)));
        Assert.True(after.Sequence > before.Sequence);
    }

    [Fact]
    public async Task A_renamed_file_keeps_its_manifest_without_being_read_and_the_old_name_becomes_a_tombstone()
    {
        Write("old/name.bin", 2_000_000);
        using var store = OpenStore();
        var scanner = Scanner(store);
        await scanner.ScanAsync(null, null, CancellationToken.None);
        var original = store.GetLocal("f", "old/name.bin")!.Entry;

        Directory.Move(Path.Combine(_root, "old"), Path.Combine(_root, "new"));
        _time.Advance(TimeSpan.FromMinutes(5));
        var result = await scanner.ScanAsync(null, null, CancellationToken.None);

        Assert.Equal(0, result.HashedBytes);
        Assert.Equal(original.Manifest, store.GetLocal("f", "new/name.bin")!.Entry.Manifest);
        var tombstone = store.GetLocal("f", "old/name.bin")!.Entry;
        Assert.True(tombstone.Deleted);
        Assert.Equal((_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100, tombstone.ModifiedNs);
        Assert.True(store.GetLocal("f", "old")!.Entry.Deleted);
    }

    [Fact]
    public async Task Ignored_paths_and_engine_files_are_not_indexed()
    {
        File.WriteAllText(Path.Combine(_root, ".meshignore"), "*.log\nbuild/\n");
        Write("keep.txt", 10);
        Write("debug.log", 10);
        Write("build/out.o", 10);
        Write("src/.mesh.partial.txt.tmp", 10);
        using var store = OpenStore();
        await Scanner(store).ScanAsync(null, null, CancellationToken.None);

        var names = store.GetAllLocal("f").Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "keep.txt", "src" }, names);
    }

    [Fact]
    public async Task Symlinks_are_recorded_as_links_and_not_followed()
    {
        using var outside = new TempFolder();
        File.WriteAllText(Path.Combine(outside.Path, "secret.txt"), "not ours");
        File.CreateSymbolicLink(Path.Combine(_root, "link"), outside.Path);
        using var store = OpenStore();
        await Scanner(store).ScanAsync(null, null, CancellationToken.None);

        var entry = Assert.Single(store.GetAllLocal("f").Values).Entry;
        Assert.Equal(FileType.Symlink, entry.Type);
        Assert.Equal(outside.Path, entry.SymlinkTarget);
    }

    [Fact]
    public async Task A_file_that_keeps_changing_while_it_is_read_is_left_for_the_next_scan()
    {
        Write("growing.log.txt", 1000);
        var hooks = new HookFileSystem
        {
            // Every read finds the file longer than when it was listed, like a log being written.
            BeforeOpenRead = path => File.AppendAllText(path, "more"),
        };
        using var store = OpenStore();
        var result = await Scanner(store, hooks).ScanAsync(null, null, CancellationToken.None);

        Assert.Equal(1, result.Requeued);
        Assert.Null(store.GetLocal("f", "growing.log.txt"));

        hooks.BeforeOpenRead = null;
        var calm = await Scanner(store, hooks).ScanAsync(null, null, CancellationToken.None);
        Assert.Equal(0, calm.Requeued);
        Assert.Equal((ulong)new FileInfo(Path.Combine(_root, "growing.log.txt")).Length, store.GetLocal("f", "growing.log.txt")!.Entry.Size);
    }

    [Fact]
    public async Task Progress_counts_the_files_and_bytes_to_hash()
    {
        Write("a", 100);
        Write("b", 200);
        var reports = new List<ScanProgress>();
        using var store = OpenStore();
        await Scanner(store).ScanAsync(null, new SynchronousProgress(reports.Add), CancellationToken.None);

        Assert.Equal(new ScanProgress(0, 2, 0, 300), reports[0]);
        Assert.Equal(new ScanProgress(2, 2, 300, 300), reports[^1]);
    }

    [Fact]
    public async Task A_scan_of_a_sub_path_leaves_the_rest_alone()
    {
        Write("a/one.txt", 10);
        Write("b/two.txt", 10);
        using var store = OpenStore();
        var scanner = Scanner(store);
        await scanner.ScanAsync(null, null, CancellationToken.None);
        File.Delete(Path.Combine(_root, "b/two.txt"));
        Write("a/three.txt", 10);

        await scanner.ScanAsync("a", null, CancellationToken.None);

        Assert.NotNull(store.GetLocal("f", "a/three.txt"));
        Assert.False(store.GetLocal("f", "b/two.txt")!.Entry.Deleted);
    }

    [Fact]
    public async Task A_scan_of_a_path_reads_only_the_index_entries_below_it()
    {
        // The watcher rescans every path the puller touches; while thousands of renames are applied,
        // a whole-index read per path made each rename cost as much as the folder's size.
        for (var i = 0; i < 300; i++)
        {
            Write($"many/{i}.txt", 10, seed: i);
        }

        Write("dir/x.txt", 10);
        Write("dir.txt", 10);
        using var store = OpenStore();
        var scanner = Scanner(store);
        await scanner.ScanAsync(null, null, CancellationToken.None);
        File.Delete(Path.Combine(_root, "dir/x.txt"));
        Write("dir/y.txt", 10);
        var before = store.LocalEntriesRead;

        await scanner.ScanAsync("dir", null, CancellationToken.None);

        Assert.Equal(2, store.LocalEntriesRead - before);
        Assert.True(store.GetLocal("f", "dir/x.txt")!.Entry.Deleted);
        Assert.NotNull(store.GetLocal("f", "dir/y.txt"));
        Assert.False(store.GetLocal("f", "dir.txt")!.Entry.Deleted);
    }

    [Fact]
    public async Task A_scan_of_two_paths_sees_a_directory_moved_between_them_as_a_rename_and_reads_only_their_entries()
    {
        // `mesh scan --path old --path new`: one scan of both names recognises the move without
        // walking (or reading the index of) the rest of the folder; two separate scans would hash the
        // moved files again.
        for (var i = 0; i < 100; i++)
        {
            Write($"other/{i}.txt", 10, seed: i);
        }

        Write("old/a.bin", 2_000_000);
        Write("old/b.bin", 3000, seed: 2);
        using var store = OpenStore();
        var scanner = Scanner(store);
        await scanner.ScanAsync(null, null, CancellationToken.None);
        var original = store.GetLocal("f", "old/a.bin")!.Entry;
        Directory.Move(Path.Combine(_root, "old"), Path.Combine(_root, "new"));
        var before = store.LocalEntriesRead;

        var result = await scanner.ScanPathsAsync(["old", "new", "new/a.bin"], null, CancellationToken.None);

        Assert.Equal(0, result.HashedBytes);
        Assert.Equal(3, result.Examined);
        Assert.Equal(3, store.LocalEntriesRead - before);
        Assert.Equal(original.Manifest, store.GetLocal("f", "new/a.bin")!.Entry.Manifest);
        Assert.NotNull(store.GetLocal("f", "new/b.bin"));
        Assert.True(store.GetLocal("f", "old/a.bin")!.Entry.Deleted);
        Assert.True(store.GetLocal("f", "old")!.Entry.Deleted);
    }

    [Fact]
    public async Task A_renamed_directory_hands_its_files_chunk_rows_to_the_new_names_without_rewriting_them()
    {
        Write("old/a.bin", 2_000_000);
        Write("old/b.bin", 300_000, seed: 2);
        using var store = OpenStore();
        var scanner = Scanner(store);
        await scanner.ScanAsync(null, null, CancellationToken.None);
        var manifest = store.GetLocal("f", "old/a.bin")!.Entry.Manifest;
        var rows = manifest.Chunks.Count + store.GetLocal("f", "old/b.bin")!.Entry.Manifest.Chunks.Count;
        Directory.Move(Path.Combine(_root, "old"), Path.Combine(_root, "new"));
        var before = store.ChunkRowsWritten;
        var statementsBefore = store.ChunkRowStatements;

        await scanner.ScanPathsAsync(["old", "new"], null, CancellationToken.None);

        // Each row once (renamed in place), not deleted under the old name and inserted under the new.
        Assert.Equal(rows, store.ChunkRowsWritten - before);

        // Per file one rename and one select of the new name's rows; the old name's delete selects
        // nothing (its rows are gone with the rename). Plus one select each for the two directories.
        Assert.Equal((2 * 2) + 2, store.ChunkRowStatements - statementsBefore);
        var found = store.FindLocalChunks([new Mesh.Chunking.ChunkHash(manifest.Chunks[1].Hash.Span)]);
        Assert.Equal("new/a.bin", Assert.Single(found.Single().Value).Name);
    }

    [Fact]
    public async Task A_long_scan_commits_what_it_hashed_once_enough_bytes_are_read_so_peers_can_pull_it_early()
    {
        // Each commit is announced to peers: a scan of 1 GiB used to commit only every 1,000 files, so
        // a peer waited for most of the scan before pulling anything.
        Write("a.bin", 300_000, seed: 1);
        Write("b.bin", 300_000, seed: 2);
        Write("c.bin", 300_000, seed: 3);
        using var store = OpenStore();
        var committedWhenCWasHashed = new List<string>();
        var progress = new SynchronousProgress(p =>
        {
            if (p.FilesDone == 3)
            {
                committedWhenCWasHashed.AddRange(store.GetAllLocal("f").Keys.Order(StringComparer.Ordinal));
            }
        });
        var scanner = new FolderScanner(new SyncFolder(new FolderOptions("f", _root), new LocalFileSystem()), store, _identity.Id,
            new SyncEngineOptions { ScanCommitBytes = 500_000 }, _time, NullLogger.Instance);

        await scanner.ScanAsync(null, progress, CancellationToken.None);

        Assert.Equal(new[] { "a.bin", "b.bin" }, committedWhenCWasHashed);
        Assert.NotNull(store.GetLocal("f", "c.bin"));
    }

    [Fact]
    public async Task Files_of_a_commit_batch_or_more_are_hashed_after_the_smaller_ones_so_peers_get_those_first()
    {
        // side-by-side a: the 512 MiB file sorted first and was hashed alone for a third of the scan while
        // the peer waited; the 2,000 files after it could have been announced and pulled meanwhile.
        Write("a-large.bin", 600_000, seed: 1);
        Write("b.bin", 100_000, seed: 2);
        Write("c/d.bin", 100_000, seed: 3);
        Write("z-large.bin", 700_000, seed: 4);
        using var store = OpenStore();
        var hashedFirst = new List<string>();
        var progress = new SynchronousProgress(p =>
        {
            if (p.FilesDone == 4)
            {
                // The last file is hashed but not yet committed: the commit past 500,000 bytes before it
                // held the two small files and the large one with the lower name.
                hashedFirst.AddRange(store.GetAllLocal("f").Values.Where(f => f.Entry.Type == FileType.File).Select(f => f.Entry.Name).Order(StringComparer.Ordinal));
            }
        });
        var scanner = new FolderScanner(new SyncFolder(new FolderOptions("f", _root), new LocalFileSystem()), store, _identity.Id,
            new SyncEngineOptions { ScanCommitBytes = 500_000 }, _time, NullLogger.Instance);

        await scanner.ScanAsync(null, progress, CancellationToken.None);

        Assert.Equal(new[] { "a-large.bin", "b.bin", "c/d.bin" }, hashedFirst);
        var files = store.GetLocalSince("f", 0, 100).Where(e => e.Type == FileType.File).Select(e => e.Name).ToList();
        Assert.Equal(new[] { "b.bin", "c/d.bin", "a-large.bin", "z-large.bin" }, files);
    }

    private void Write(string name, int size, int seed = 1)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }

    private IndexStore OpenStore()
    {
        var store = IndexStore.Open(_home.Combine("index.db"), _identity.Id);
        store.EnsureFolder("f", 1);
        return store;
    }

    private FolderScanner Scanner(IndexStore store, IFileSystem? fs = null) =>
        new(new SyncFolder(new FolderOptions("f", _root), fs ?? new LocalFileSystem()), store, _identity.Id, new SyncEngineOptions(), _time, NullLogger.Instance);

    private sealed class SynchronousProgress(Action<ScanProgress> report) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value) => report(value);
    }
}
