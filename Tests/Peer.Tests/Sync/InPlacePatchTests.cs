using System.Security.Cryptography;
using Mesh.Chunking;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Mesh.Proto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Peer.Tests.Sync;

/// <summary>
/// A small same-length edit of a large file is written into the file itself behind an undo journal;
/// anything else is rebuilt in a temporary file; a crash at any point leaves one whole version that the
/// index describes.
/// </summary>
public sealed class InPlacePatchTests
{
    private const string Big = BigFileEditTests.Big;
    private const int BigBytes = BigFileEditTests.BigBytes;

    [Fact]
    public async Task A_same_length_edit_of_a_large_file_is_patched_in_place_without_a_temporary_file()
    {
        var hooks = new HookFileSystem();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", fileSystem: hooks);
        await using var link = await BigFileEditTests.SyncBigFileAsync(a, b);
        var inodeBefore = b.Engine.FileSystem.Stat(b.PathOf(Big))!.Value.Inode;
        var opened = new System.Collections.Concurrent.ConcurrentQueue<string>();
        hooks.BeforeOpenWrite = opened.Enqueue;
        var fetchedBefore = b.Engine.ChunkBytesFetched;

        BigFileEditTests.FlipByte(a.PathOf(Big), BigBytes / 2);
        await a.ScanAsync(Big);
        await Eventually.TrueAsync(() => BigFileEditTests.SameContent(a, b) && b.Status.State == FolderState.Idle, "the edit arrived");

        BigFileEditTests.AssertFewChunksFetched(b.Engine.ChunkBytesFetched - fetchedBefore);
        Assert.DoesNotContain(opened, p => EngineFiles.IsTemporary(Path.GetFileName(p)));
        Assert.Contains(b.PathOf(Big), opened);
        var stat = b.Engine.FileSystem.Stat(b.PathOf(Big))!.Value;
        Assert.Equal(inodeBefore, stat.Inode);
        AssertRecordMatchesDisk(b.Store, b.FolderPath, stat);
        Assert.Empty(Directory.GetFiles(Path.Combine(b.FolderPath, ".mesh", "patches")));
    }

    [Fact]
    public async Task An_edit_touching_too_much_of_the_file_is_rebuilt_in_a_temporary_file()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        await using var link = await BigFileEditTests.SyncBigFileAsync(a, b);
        var inodeBefore = b.Engine.FileSystem.Stat(b.PathOf(Big))!.Value.Inode;

        // One byte in every 128 KiB: every chunk changes, far over the in-place limit.
        for (var offset = 1000L; offset < BigBytes; offset += 128 * 1024)
        {
            BigFileEditTests.FlipByte(a.PathOf(Big), offset);
        }

        await a.ScanAsync(Big);
        await Eventually.TrueAsync(() => BigFileEditTests.SameContent(a, b) && b.Status.State == FolderState.Idle, "the edit arrived", 60);

        Assert.NotEqual(inodeBefore, b.Engine.FileSystem.Stat(b.PathOf(Big))!.Value.Inode);
    }

    [Fact]
    public void Only_a_same_length_edit_of_a_few_chunks_of_a_large_file_is_planned_in_place()
    {
        var data = SyncEngineTests.RandomBytes((int)InPlacePatchPlan.MinFileBytes, 11);
        var old = ManifestBuilder.Build(data, ChunkerParameters.Default);

        var overwritten = (byte[])data.Clone();
        overwritten[data.Length / 2] ^= 0xff;
        var ranges = InPlacePatchPlan.TryPlan(old, ManifestBuilder.Build(overwritten, ChunkerParameters.Default));
        Assert.NotNull(ranges);
        Assert.InRange(ranges.Count, 1, 2);

        var appended = new byte[data.Length + 1];
        data.CopyTo(appended, 0);
        Assert.Null(InPlacePatchPlan.TryPlan(old, ManifestBuilder.Build(appended, ChunkerParameters.Default)));

        var many = (byte[])data.Clone();
        for (var offset = 0; offset < many.Length; offset += 256 * 1024)
        {
            many[offset] ^= 0xff;
        }

        Assert.Null(InPlacePatchPlan.TryPlan(old, ManifestBuilder.Build(many, ChunkerParameters.Default)));

        var small = data.AsSpan(0, 4 * 1024 * 1024).ToArray();
        var smallEdited = (byte[])small.Clone();
        smallEdited[small.Length / 2] ^= 0xff;
        Assert.Null(InPlacePatchPlan.TryPlan(ManifestBuilder.Build(small, ChunkerParameters.Default), ManifestBuilder.Build(smallEdited, ChunkerParameters.Default)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_local_edit_made_while_the_patch_is_prepared_is_not_overwritten(bool afterTheOldBytesAreRead)
    {
        var hooks = new HookFileSystem();
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b", fileSystem: hooks);
        await using var link = await BigFileEditTests.SyncBigFileAsync(a, b);

        // When B opens its file to patch it, or its journal once the old bytes are read, a local program
        // writes to the file (far from A's edit, new mtime).
        var fired = 0;
        var target = b.PathOf(Big);
        hooks.BeforeOpenWrite = path =>
        {
            var moment = afterTheOldBytesAreRead ? path.EndsWith(PatchJournal.Extension, StringComparison.Ordinal) : path == target;
            if (moment && Interlocked.Exchange(ref fired, 1) == 0)
            {
                BigFileEditTests.FlipByte(target, BigBytes / 4);
                File.SetLastWriteTimeUtc(target, DateTime.UtcNow.AddSeconds(5));
            }
        };
        BigFileEditTests.FlipByte(a.PathOf(Big), BigBytes / 2);
        var fromA = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(a.PathOf(Big))));
        await a.ScanAsync(Big);
        await Eventually.TrueAsync(() => Volatile.Read(ref fired) == 1, "B started patching the file");
        var fromB = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(target)));

        await Eventually.TrueAsync(() => TreeSnapshot.Same(a, b) && b.Status.State == FolderState.Idle && a.Status.State == FolderState.Idle, "both versions settled", 60);

        // Both versions survive whole: B's edit was not patched over.
        var contents = Directory.GetFiles(b.FolderPath).Select(p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))).ToList();
        Assert.All(contents, c => Assert.Contains(c, new[] { fromA, fromB }));
        Assert.Contains(fromA, contents);
        Assert.Contains(fromB, contents);
        var journals = Path.Combine(b.FolderPath, ".mesh", "patches");
        Assert.True(!Directory.Exists(journals) || Directory.GetFiles(journals).Length == 0, "a journal was left behind");
    }

    [Theory]
    [InlineData((int)PatchStep.JournalWritten, 0, false)]
    [InlineData((int)PatchStep.RangeWritten, 0, false)]
    [InlineData((int)PatchStep.RangeWritten, 1, false)]
    [InlineData((int)PatchStep.Committed, 0, true)]
    public async Task A_patch_stopped_by_a_crash_is_undone_or_kept_whole_at_the_next_start(int stopAfter, int range, bool expectNew)
    {
        var crashAfter = (PatchStep)stopAfter;
        await using var device = await RestartableDevice.CreateAsync();
        var edit = device.PrepareEdit(flips: 3);
        Assert.True(edit.Changes.Count >= 2, "the edit should touch several chunks");

        Assert.Throws<SimulatedCrash>(() => device.Patch(edit, (step, i) =>
        {
            if (step == crashAfter && i == range)
            {
                throw new SimulatedCrash();
            }
        }));
        if (crashAfter == PatchStep.RangeWritten)
        {
            var mixed = File.ReadAllBytes(device.PathOf(Big));
            Assert.False(mixed.AsSpan().SequenceEqual(edit.Old) || mixed.AsSpan().SequenceEqual(edit.New), "the crash should leave a mix");
        }

        var logs = new ListLoggerProvider();
        await device.RestartAsync(logs);

        var bytes = File.ReadAllBytes(device.PathOf(Big));
        Assert.True(bytes.AsSpan().SequenceEqual(expectNew ? edit.New : edit.Old), expectNew ? "the committed patch was not kept" : "the old version is not back");
        var record = device.Store.GetLocal(TestDevice.FolderId, Big)!;
        Assert.Equal(expectNew ? edit.Entry.Manifest.FileHash : edit.OldRecord.Entry.Manifest.FileHash, record.Entry.Manifest.FileHash);
        AssertRecordMatchesDisk(device.Store, device.FolderPath, device.Stat());
        Assert.Empty(Directory.GetFiles(device.JournalDirectory));
        var scan = await device.Engine.ScanAsync(TestDevice.FolderId);
        Assert.Equal(0, scan.Changed);
    }

    [Fact]
    public async Task A_patch_cut_short_in_the_middle_of_a_range_is_undone()
    {
        await using var device = await RestartableDevice.CreateAsync();
        var edit = device.PrepareEdit(flips: 3);
        Assert.Throws<SimulatedCrash>(() => device.Patch(edit, (step, _) =>
        {
            if (step == PatchStep.JournalWritten)
            {
                // Half of the first range reached the file when the process died.
                var (offset, bytes) = edit.Changes[0];
                using var file = File.OpenHandle(device.PathOf(Big), FileMode.Open, FileAccess.Write);
                RandomAccess.Write(file, bytes.AsSpan(0, bytes.Length / 2), offset);
                throw new SimulatedCrash();
            }
        }));

        await device.RestartAsync(NullLoggerFactory.Instance);

        Assert.True(File.ReadAllBytes(device.PathOf(Big)).AsSpan().SequenceEqual(edit.Old), "the old version is not back");
        AssertRecordMatchesDisk(device.Store, device.FolderPath, device.Stat());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_unreadable_journal_is_reported_and_the_file_left_as_it_is(bool truncated)
    {
        await using var device = await RestartableDevice.CreateAsync();
        var edit = device.PrepareEdit(flips: 1);
        Assert.Throws<SimulatedCrash>(() => device.Patch(edit, (step, _) => throw new SimulatedCrash()));
        var journal = Assert.Single(Directory.GetFiles(device.JournalDirectory));
        var bytes = File.ReadAllBytes(journal);
        if (truncated)
        {
            File.WriteAllBytes(journal, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        }
        else
        {
            bytes[bytes.Length / 3] ^= 0x40;
            File.WriteAllBytes(journal, bytes);
        }

        var logs = new ListLoggerProvider();
        await device.RestartAsync(logs);

        Assert.True(logs.Contains("is unreadable"), "the bad journal was not reported");
        Assert.True(File.ReadAllBytes(device.PathOf(Big)).AsSpan().SequenceEqual(edit.Old), "the file was changed");
        Assert.Single(Directory.GetFiles(device.JournalDirectory), p => p.EndsWith(PatchJournalRecovery.UnreadableExtension, StringComparison.Ordinal));
    }

    [Fact]
    public void A_journal_round_trips_and_any_damage_is_detected()
    {
        var journal = new PatchJournal("dir/big.bin", 1 << 24, 42, 1_000, 420, [1, 2, 3], 2_000, 436, [4, 5, 6], [new PatchJournalRange(100, [7, 8], [9, 10])]);
        var bytes = journal.Serialize();
        var read = PatchJournal.TryParse(bytes, out var problem);
        Assert.Null(problem);
        Assert.NotNull(read);
        Assert.Equal(journal.Name, read.Name);
        Assert.Equal(journal.NewModifiedNs, read.NewModifiedNs);
        Assert.Equal([9, 10], read.Ranges[0].New);
        for (var i = 0; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x01;
            Assert.Null(PatchJournal.TryParse(damaged, out _));
            Assert.Null(PatchJournal.TryParse(bytes.AsSpan(0, i).ToArray(), out _));
        }
    }

    private static void AssertRecordMatchesDisk(IndexStore store, string folderPath, Mesh.Peer.Files.FileStat stat)
    {
        var record = store.GetLocal(TestDevice.FolderId, Big)!;
        Assert.True(stat.IsFileAsRecorded(record.Entry.Size, record.Entry.ModifiedNs, record.Inode), $"the index record of {Path.Combine(folderPath, Big)} does not match the disk");
    }

    private sealed class SimulatedCrash : Exception
    {
    }

    private sealed record Edit(byte[] Old, byte[] New, StoredFile OldRecord, FileEntry Entry, List<(long Offset, byte[] Bytes)> Changes);

    /// <summary>One device whose engine can be stopped and started again over the same index and folder.</summary>
    private sealed class RestartableDevice : IAsyncDisposable
    {
        private readonly TempFolder _home = new();
        private readonly DeviceIdentity _identity = DeviceIdentity.CreateEphemeral();

        private RestartableDevice()
        {
            FolderPath = _home.Combine("folder");
            Directory.CreateDirectory(FolderPath);
            Store = IndexStore.Open(_home.Combine("index.db"), _identity.Id);
            Engine = Start(NullLoggerFactory.Instance);
        }

        public string FolderPath { get; }

        public IndexStore Store { get; }

        public SyncEngine Engine { get; private set; }

        public string JournalDirectory => Path.Combine(FolderPath, ".mesh", "patches");

        public static async Task<RestartableDevice> CreateAsync()
        {
            var device = new RestartableDevice();
            await File.WriteAllBytesAsync(device.PathOf(Big), SyncEngineTests.RandomBytes(BigBytes, 9));
            await device.Engine.ScanAsync(TestDevice.FolderId);
            return device;
        }

        public string PathOf(string name) => Path.Combine(FolderPath, name);

        public Mesh.Peer.Files.FileStat Stat() => Engine.FileSystem.Stat(PathOf(Big))!.Value;

        // A same-length edit as a peer would send it: bytes flipped far apart, a later mtime, a newer version.
        public Edit PrepareEdit(int flips)
        {
            var old = File.ReadAllBytes(PathOf(Big));
            var edited = (byte[])old.Clone();
            for (var i = 1; i <= flips; i++)
            {
                edited[(long)BigBytes * i / (flips + 1)] ^= 0xff;
            }

            var record = Store.GetLocal(TestDevice.FolderId, Big)!;
            var entry = record.Entry.Clone();
            entry.Manifest = ManifestBuilder.Build(edited, ChunkerParameters.Default);
            entry.ModifiedNs += 5_000_000_000;
            entry.Version = VersionVector.FromProto(record.Entry.Version).Update(12345).ToProto();
            entry.ModifiedBy = 12345;
            var ranges = InPlacePatchPlan.TryPlan(record.Entry.Manifest, entry.Manifest)!;
            var changes = ranges.Select(r => (r.Offset, edited.AsSpan((int)r.Offset, (int)entry.Manifest.Chunks[r.ChunkIndex].Length).ToArray())).ToList();
            return new Edit(old, edited, record, entry, changes);
        }

        public void Patch(Edit edit, Action<PatchStep, int> afterStep)
        {
            Assert.True(Engine.TryGetFolder(TestDevice.FolderId, out var folder));
            var patcher = new InPlacePatcher(folder, NullLogger.Instance) { AfterStep = afterStep };
            patcher.Apply(edit.OldRecord, edit.Entry, edit.Changes, (entry, inode) => Store.CommitLocal(TestDevice.FolderId, [(entry, inode)]));
        }

        public async Task RestartAsync(ILoggerFactory loggers)
        {
            await Engine.DisposeAsync();
            Engine = Start(loggers);
        }

        public async ValueTask DisposeAsync()
        {
            await Engine.DisposeAsync();
            Store.Dispose();
            _identity.Dispose();
            _home.Dispose();
        }

        private SyncEngine Start(ILoggerFactory loggers)
        {
            var engine = new SyncEngine(_identity.Id, Store, TestDevice.TestOptions, TimeProvider.System, new Random(1), loggers, null);
            engine.AddFolder(new FolderOptions(TestDevice.FolderId, FolderPath));
            engine.Start();
            return engine;
        }
    }
}
