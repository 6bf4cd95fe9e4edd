namespace Mesh.Integration.Daemon;

/// <summary>Two real <c>mesh run</c> processes on loopback keep a folder identical, checked by hashing both trees.</summary>
public sealed class DaemonSyncTests
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Initial_sync_copies_a_mixed_tree_exactly()
    {
        using var pair = await DevicePair.CreateAsync();
        SampleTree.WriteMixed(pair.A.Folder);
        pair.StartBoth();

        await pair.WaitInSyncAsync(SyncTimeout);

        var b = TreeDigest.Of(pair.B.Folder);
        Assert.Equal(TreeDigest.Of(pair.A.Folder), b);
        Assert.Equal("dir", b["empty"]);
        Assert.Equal("link:readme.txt", b["link-to-readme"]);
        Assert.Equal(0, new FileInfo(pair.B.PathOf("zero.bin")).Length);
        Assert.True(b.ContainsKey("docs/caf\u00e9.txt"), string.Join('\n', b.Keys));
    }

    [Fact]
    public async Task Edits_deletes_renames_and_empty_directories_propagate_both_ways()
    {
        using var pair = await DevicePair.CreateAsync();
        SampleTree.WriteMixed(pair.A.Folder);
        pair.StartBoth();
        await pair.WaitInSyncAsync(SyncTimeout);

        // A changes things and B follows.
        await File.WriteAllTextAsync(pair.A.PathOf("readme.txt"), "edited on A\n");
        File.Delete(pair.A.PathOf("docs/notes with space.txt"));
        File.Move(pair.A.PathOf("photos/2024/large.bin"), pair.A.PathOf("photos/2024/renamed.bin"));
        Directory.Move(pair.A.PathOf("docs/deep"), pair.A.PathOf("docs/moved"));
        Directory.CreateDirectory(pair.A.PathOf("new-empty/inner"));
        Directory.Delete(pair.A.PathOf("empty"));
        await pair.A.ScanAsync(DevicePair.FolderId);
        await pair.WaitInSyncAsync(SyncTimeout);

        var afterA = TreeDigest.Of(pair.B.Folder);
        Assert.Equal("edited on A\n", await File.ReadAllTextAsync(pair.B.PathOf("readme.txt")));
        Assert.False(afterA.ContainsKey("docs/notes with space.txt"));
        Assert.False(afterA.ContainsKey("photos/2024/large.bin"));
        Assert.True(afterA.ContainsKey("photos/2024/renamed.bin"));
        Assert.True(afterA.ContainsKey("docs/moved/deeper/report.bin"));
        Assert.False(afterA.ContainsKey("docs/deep"));
        Assert.Equal("dir", afterA["new-empty/inner"]);
        Assert.False(afterA.ContainsKey("empty"));

        // Then B changes things and A follows.
        await File.WriteAllTextAsync(pair.B.PathOf("docs/caf\u00e9.txt"), "edited on B\n");
        File.Delete(pair.B.PathOf("zero.bin"));
        File.Move(pair.B.PathOf("readme.txt"), pair.B.PathOf("README.md"));
        Directory.Delete(pair.B.PathOf("new-empty"), recursive: true);
        Directory.CreateDirectory(pair.B.PathOf("from-b"));
        File.Delete(pair.B.PathOf("link-to-readme"));
        await pair.B.ScanAsync(DevicePair.FolderId);
        await pair.WaitInSyncAsync(SyncTimeout);

        var afterB = TreeDigest.Of(pair.A.Folder);
        Assert.Equal("edited on B\n", await File.ReadAllTextAsync(pair.A.PathOf("docs/caf\u00e9.txt")));
        Assert.Equal("edited on A\n", await File.ReadAllTextAsync(pair.A.PathOf("README.md")));
        Assert.False(afterB.ContainsKey("zero.bin"));
        Assert.False(afterB.ContainsKey("readme.txt"));
        Assert.False(afterB.ContainsKey("new-empty"));
        Assert.False(afterB.ContainsKey("link-to-readme"));
        Assert.Equal("dir", afterB["from-b"]);
    }

    [Fact]
    public async Task A_concurrent_edit_leaves_exactly_one_conflict_copy_holding_the_other_content()
    {
        using var pair = await DevicePair.CreateAsync();
        await File.WriteAllTextAsync(pair.A.PathOf("shared.txt"), "original\n");
        pair.StartBoth();
        await pair.WaitInSyncAsync(SyncTimeout);

        await File.WriteAllTextAsync(pair.A.PathOf("shared.txt"), "A's edit\n");
        await File.WriteAllTextAsync(pair.B.PathOf("shared.txt"), "B's edit, longer\n");
        await Task.WhenAll(pair.A.ScanAsync(DevicePair.FolderId), pair.B.ScanAsync(DevicePair.FolderId));
        await pair.WaitInSyncAsync(SyncTimeout);

        foreach (var device in new[] { pair.A, pair.B })
        {
            var conflicts = Directory.GetFiles(device.Folder, "shared.sync-conflict-*.txt");
            Assert.True(conflicts.Length == 1, $"{device.Name} has {conflicts.Length} conflict copies" + pair.Logs());
            var contents = new[] { await File.ReadAllTextAsync(device.PathOf("shared.txt")), await File.ReadAllTextAsync(conflicts[0]) };
            Assert.Equal(["A's edit\n", "B's edit, longer\n"], contents.Order(StringComparer.Ordinal));
        }
    }
}
