using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class SmallFileBatchTests
{
    [Fact]
    public async Task Small_files_are_flushed_before_their_rename_and_recorded_together_after_it()
    {
        const int Files = 300;
        var hooks = new HookFileSystem();
        var options = TestDevice.TestOptions with { CommitBatchFiles = 100 };
        await using var a = TestDevice.Create("a", options);
        await using var b = TestDevice.Create("b", options, fileSystem: hooks);
        for (var i = 0; i < Files; i++)
        {
            a.Write($"d{i % 5}/f{i:D4}.txt", SyncEngineTests.RandomBytes(1000 + (i * 7), i));
        }

        await a.ScanAsync();
        var problems = new List<string>();
        var renamed = new List<string>();
        var previousUnrecorded = 0;
        hooks.BeforeRename = (from, to) =>
        {
            var name = Path.GetRelativePath(b.FolderPath, to).Replace('\\', '/');
            lock (renamed)
            {
                if (!hooks.Flushed.ContainsKey(from))
                {
                    problems.Add($"{name} renamed before its data was flushed");
                }

                if (b.Store.GetLocal(TestDevice.FolderId, name) is not null)
                {
                    problems.Add($"{name} recorded before its rename");
                }

                // The file renamed just before this one: recorded already means one commit per file.
                if (renamed.Count > 0 && b.Store.GetLocal(TestDevice.FolderId, renamed[^1]) is null)
                {
                    previousUnrecorded++;
                }

                renamed.Add(name);
            }
        };

        await using var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle, "all small files arrived");

        Assert.Empty(problems);
        Assert.Equal(Files, renamed.Count);

        // In batches of 100, every rename but the first of each batch follows an unrecorded one.
        Assert.True(previousUnrecorded >= Files - 10, $"only {previousUnrecorded} of {Files} renames followed an unrecorded file");
        Assert.Empty(Directory.GetFiles(b.FolderPath, ".mesh.*", SearchOption.AllDirectories));

        // One durability barrier per batch (a syncfs on Linux), not an fsync per file.
        Assert.Equal(0, hooks.FlushCalls);
        Assert.InRange(hooks.FlushAllCalls, Files / 100, Files / 10);
    }
}
