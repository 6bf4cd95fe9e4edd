using Mesh.Peer.Files;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

/// <summary>
/// Large pulled files are renamed in and recorded before their data is durable, with a pending row and a
/// rollback link (<see cref="DurabilityBarrier"/>, <see cref="PendingDurabilityRecovery"/>). A power cut
/// is modelled in process: the barrier is held, the engine stopped, the file torn by hand, and a new
/// engine started over the same index and folder.
/// </summary>
public sealed class DeferredDurabilityTests
{
    private const string Name = "big.bin";
    private const int Bytes = 3 * 1024 * 1024;

    private static readonly SyncEngineOptions Held = TestDevice.TestOptions with { HoldDurabilityBarrier = true };

    [Fact]
    public async Task A_pulled_file_is_recorded_with_a_pending_row_that_the_barrier_clears()
    {
        await using var a = TestDevice.Create("a");
        var b = TestDevice.Create("b", Held);
        try
        {
            var v1 = SyncEngineTests.RandomBytes(Bytes, 7);
            await using (var link = await PullAsync(a, b, v1))
            {
                // Held: the row is there, committed with the record it describes.
                var row = Assert.Single(b.Store.GetPendingDurability(TestDevice.FolderId));
                var record = b.Store.GetLocal(TestDevice.FolderId, Name)!;
                Assert.Equal(record.Entry.Manifest.FileHash.ToByteArray(), row.FileHash);
                Assert.Equal(record.Inode, row.Inode);
                Assert.Equal(Stat(b).Inode, row.Inode);
                Assert.Null(row.OldEntry);
                Assert.Null(row.Rollback);
            }

            // A restart with the file whole: the row goes, the record stays.
            var sequence = b.Store.GetLocal(TestDevice.FolderId, Name)!.Entry.Sequence;
            b = await b.RestartAsync();
            Assert.Empty(b.Store.GetPendingDurability(TestDevice.FolderId));
            Assert.Equal(sequence, b.Store.GetLocal(TestDevice.FolderId, Name)!.Entry.Sequence);

            // Not held: an edit pulled over the old version leaves neither a row nor a rollback link.
            await using var again = TestLink.Connect(a, b);
            var v2 = Inserted(v1);
            a.Write(Name, v2);
            await a.ScanAsync();
            await Eventually.TrueAsync(() => Holds(b, v2) && b.Status.State == FolderState.Idle, "the edit arrived", 60);
            await Eventually.TrueAsync(() => b.Store.GetPendingDurability(TestDevice.FolderId).Count == 0, "the barrier cleared the row");
            Assert.Empty(RollbackFiles(b));
            Assert.DoesNotContain(Directory.GetFiles(b.FolderPath), f => EngineFiles.IsTemporary(Path.GetFileName(f)));
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_torn_file_is_rolled_back_to_its_old_version_at_the_next_start_and_pulled_again()
    {
        await using var a = TestDevice.Create("a");
        var (b, v1, v2) = await EditPendingOnBAsync(a);
        try
        {
            var before = b.Store.GetLocal(TestDevice.FolderId, Name)!.Entry.Sequence;
            Tear(b);
            b = await b.RestartAsync();

            Assert.True(Holds(b, v1), "the old version is not back");
            var record = b.Store.GetLocal(TestDevice.FolderId, Name)!;
            Assert.True(record.Entry.Sequence > before, "the old record was not announced again");
            Assert.Equal(Stat(b).Inode, record.Inode);
            Assert.True(Stat(b).IsFileAsRecorded(record.Entry.Size, record.Entry.ModifiedNs, record.Inode), "the record does not describe the file");
            Assert.Empty(b.Store.GetPendingDurability(TestDevice.FolderId));
            Assert.Empty(RollbackFiles(b));
            Assert.Equal(0, (await b.Engine.ScanAsync(TestDevice.FolderId)).Changed);

            await using var link = TestLink.Connect(a, b);
            await Eventually.TrueAsync(() => Holds(b, v2) && b.Status.State == FolderState.Idle, "the edit was pulled again", 60);
            Assert.True(Holds(a, v2), "the sender's file changed");
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_file_the_user_replaced_after_the_pull_is_kept_at_the_next_start()
    {
        await using var a = TestDevice.Create("a");
        var (b, _, v2) = await EditPendingOnBAsync(a);
        try
        {
            var mine = SyncEngineTests.RandomBytes(Bytes / 2, 11);
            var scratch = b.PathOf("mine.tmp");
            File.WriteAllBytes(scratch, mine);
            File.Move(scratch, b.PathOf(Name), overwrite: true);
            b = await b.RestartAsync();

            Assert.True(Holds(b, mine), "the user's file was not kept");
            Assert.Empty(b.Store.GetPendingDurability(TestDevice.FolderId));
            Assert.Empty(RollbackFiles(b));
            await b.Engine.ScanAsync(TestDevice.FolderId);
            Assert.Equal((ulong)mine.Length, b.Store.GetLocal(TestDevice.FolderId, Name)!.Entry.Size);
            Assert.True(Holds(a, v2), "the sender's file changed before the devices met again");
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_file_written_after_the_pull_is_kept_as_a_conflict_copy_at_the_next_start()
    {
        await using var a = TestDevice.Create("a");
        var (b, v1, _) = await EditPendingOnBAsync(a);
        try
        {
            using (var file = File.OpenHandle(b.PathOf(Name), FileMode.Open, FileAccess.Write))
            {
                RandomAccess.Write(file, "written by hand"u8, 0);
            }

            var written = File.ReadAllBytes(b.PathOf(Name));
            b = await b.RestartAsync();

            Assert.True(Holds(b, v1), "the old version is not back");
            var copy = Assert.Single(Directory.GetFiles(b.FolderPath), f => Path.GetFileName(f) != Name);
            Assert.Equal(written, File.ReadAllBytes(copy));
            Assert.Empty(b.Store.GetPendingDurability(TestDevice.FolderId));
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_torn_new_file_is_removed_at_the_next_start_and_pulled_again()
    {
        await using var a = TestDevice.Create("a");
        var b = TestDevice.Create("b", Held);
        try
        {
            var v1 = SyncEngineTests.RandomBytes(Bytes, 13);
            await using (await PullAsync(a, b, v1))
            {
                Assert.Single(b.Store.GetPendingDurability(TestDevice.FolderId));
            }

            Tear(b);
            b = await b.RestartAsync();

            Assert.False(File.Exists(b.PathOf(Name)), "the torn file is still there");
            Assert.Null(b.Store.GetLocal(TestDevice.FolderId, Name));
            Assert.Empty(b.Store.GetPendingDurability(TestDevice.FolderId));
            Assert.Equal(0, (await b.Engine.ScanAsync(TestDevice.FolderId)).Changed);

            await using var link = TestLink.Connect(a, b);
            await Eventually.TrueAsync(() => Holds(b, v1) && b.Status.State == FolderState.Idle, "the file was pulled again", 60);
            Assert.True(Holds(a, v1), "the sender's file changed");
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_torn_file_whose_rollback_link_is_missing_is_set_aside_and_pulled_again()
    {
        await using var a = TestDevice.Create("a");
        var (b, _, v2) = await EditPendingOnBAsync(a);
        try
        {
            File.Delete(Assert.Single(RollbackFiles(b)));
            Tear(b);
            b = await b.RestartAsync();

            Assert.False(File.Exists(b.PathOf(Name)), "the torn file is still under its name");
            Assert.Single(RollbackFiles(b), f => f.EndsWith(RollbackLinks.TornExtension, StringComparison.Ordinal));
            Assert.Null(b.Store.GetLocal(TestDevice.FolderId, Name));
            Assert.Equal(0, (await b.Engine.ScanAsync(TestDevice.FolderId)).Changed);

            await using var link = TestLink.Connect(a, b);
            await Eventually.TrueAsync(() => Holds(b, v2) && b.Status.State == FolderState.Idle, "the edit was pulled again", 60);
            Assert.True(Holds(a, v2), "the sender's file changed: a delete was announced");
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_rename_that_did_not_survive_leaves_the_old_version_and_its_record_announced_again()
    {
        await using var a = TestDevice.Create("a");
        var (b, v1, v2) = await EditPendingOnBAsync(a);
        try
        {
            // The swap never reached the disk: the old file is at the name again, the new one is gone.
            var link = Assert.Single(RollbackFiles(b));
            File.Delete(b.PathOf(Name));
            Assert.True(new LocalFileSystem().TryHardLink(link, b.PathOf(Name)));
            var before = b.Store.GetLocal(TestDevice.FolderId, Name)!.Entry.Sequence;
            b = await b.RestartAsync();

            Assert.True(Holds(b, v1), "the old version is not there");
            var record = b.Store.GetLocal(TestDevice.FolderId, Name)!;
            Assert.True(record.Entry.Sequence > before, "the old record was not announced again");
            Assert.True(Stat(b).IsFileAsRecorded(record.Entry.Size, record.Entry.ModifiedNs, record.Inode), "the record does not describe the file");
            Assert.Empty(RollbackFiles(b));

            await using var again = TestLink.Connect(a, b);
            await Eventually.TrueAsync(() => Holds(b, v2) && b.Status.State == FolderState.Idle, "the edit was pulled again", 60);
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    // B gets v1 durably, then is restarted with its barrier held and pulls v2 (one byte inserted near the
    // start, as in side-by-side c2); returns B with v2 renamed in, recorded and pending.
    private static async Task<(TestDevice B, byte[] V1, byte[] V2)> EditPendingOnBAsync(TestDevice a)
    {
        var b = TestDevice.Create("b");
        var v1 = SyncEngineTests.RandomBytes(Bytes, 9);
        await using (await PullAsync(a, b, v1))
        {
            await Eventually.TrueAsync(() => b.Store.GetPendingDurability(TestDevice.FolderId).Count == 0, "the first version is durable");
        }

        b = await b.RestartAsync(Held);
        var v2 = Inserted(v1);
        await using (await PullAsync(a, b, v2))
        {
            var row = Assert.Single(b.Store.GetPendingDurability(TestDevice.FolderId));
            Assert.NotNull(row.Rollback);
            Assert.NotNull(row.OldEntry);
            Assert.Single(RollbackFiles(b));
        }

        return (b, v1, v2);
    }

    private static async Task<TestLink> PullAsync(TestDevice a, TestDevice b, byte[] content)
    {
        a.Write(Name, content);
        await a.ScanAsync();
        var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => Holds(b, content) && b.Status.State == FolderState.Idle &&
            b.Store.GetLocal(TestDevice.FolderId, Name)?.Entry.Manifest.Size == (ulong)content.Length, "the file arrived", 60);
        return link;
    }

    // What a power cut can leave of a file whose data was not flushed: a part of it, here the first half
    // of the bytes followed by zeros, at the full length, with the metadata the pull gave it (the mtime
    // is journaled with the rename; the data is not).
    private static void Tear(TestDevice device)
    {
        var fs = new LocalFileSystem();
        var path = device.PathOf(Name);
        var modified = fs.Stat(path)!.Value.ModifiedNs;
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
        {
            var length = RandomAccess.GetLength(file);
            RandomAccess.Write(file, new byte[length / 2], length / 2);
        }

        fs.SetModified(path, modified);
    }

    private static byte[] Inserted(byte[] data)
    {
        var inserted = new byte[data.Length + 1];
        data.AsSpan(0, 1000).CopyTo(inserted);
        inserted[1000] = 0x5a;
        data.AsSpan(1000).CopyTo(inserted.AsSpan(1001));
        return inserted;
    }

    private static bool Holds(TestDevice device, byte[] content) =>
        File.Exists(device.PathOf(Name)) && File.ReadAllBytes(device.PathOf(Name)).AsSpan().SequenceEqual(content);

    private static FileStat Stat(TestDevice device) => new LocalFileSystem().Stat(device.PathOf(Name))!.Value;

    private static string[] RollbackFiles(TestDevice device)
    {
        var directory = Path.Combine(device.FolderPath, RollbackLinks.DirectoryName);
        return Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
    }
}
