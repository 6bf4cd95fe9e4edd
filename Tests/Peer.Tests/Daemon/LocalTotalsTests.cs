using Google.Protobuf;
using Mesh.Peer.Daemon;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Daemon;

public sealed class LocalTotalsTests : IDisposable
{
    private readonly TempFolder _home = new();
    private readonly DeviceIdentity _local = DeviceIdentity.CreateEphemeral();

    public void Dispose()
    {
        _local.Dispose();
        _home.Dispose();
    }

    [Fact]
    public void Totals_count_present_files_only_whatever_their_name_length_or_manifest_size()
    {
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        store.CommitLocal("f",
        [
            (File("small.txt", 10), 1UL),
            (File(new string('n', 127), 20), 2UL),
            (File(new string('ü', 64) + "/x", 30), 3UL), // 130 bytes of UTF-8: a two-byte length prefix
            (File(string.Join('/', Enumerable.Repeat(new string('d', 200), 60)), 40), 4UL), // 12 KiB of name
            (File("big.bin", 512L << 20, chunks: 8192), 5UL),
            (File("empty", 0), 6UL),
            (new FileEntry { Name = "dir", Type = FileType.Directory, Version = Version() }, 7UL),
            (new FileEntry { Name = "link", Type = FileType.Symlink, SymlinkTarget = "small.txt", Version = Version() }, 8UL),
            (new FileEntry { Name = "gone", Type = FileType.File, Size = 1000, Deleted = true, Version = Version() }, 9UL),
        ]);
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var totals = new LocalTotals(index);

        Assert.Equal((6L, 10L + 20 + 30 + 40 + (512L << 20)), totals.Of("f"));
    }

    [Fact]
    public void A_count_of_large_manifests_decodes_none_of_them()
    {
        // Decoding every entry, as counts once did, allocates each manifest: here 100 entries of 1,000
        // chunks, over 10 MB. Reading type and size only allocates a few bytes per entry.
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", Enumerable.Range(0, 100).Select(i => (File($"file-{i}", 1000, chunks: 1000), (ulong)i)).ToList());
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var totals = new LocalTotals(index);
        totals.Of("f");
        store.CommitLocal("f", [(File("one-more", 1), 999UL)]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var counted = totals.Of("f");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((101L, 100_001L), counted);
        Assert.True(allocated < 1_000_000, $"the count allocated {allocated} bytes");
    }

    [Fact]
    public void File_counts_and_peer_completion_share_one_index_connection()
    {
        // Each connection maps the index file on its own, and mapped pages count in RSS per mapping.
        using var store = IndexStore.Open(_home.Combine("index.db"), _local.Id);
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", [(File("one", 10), 1UL), (File("two", 20), 2UL)]);
        using var peer = DeviceIdentity.CreateEphemeral();
        using var index = new StatusIndexConnection(_home.Combine("index.db"));
        var totals = new LocalTotals(index);
        var completion = new PeerCompletion(index, _local.Id, store);

        Assert.Equal((2L, 30L), totals.Of("f"));
        Assert.Equal(2, completion.Of("f", peer.Id).NeedFiles);
        Assert.Equal(1, index.Opened);
    }

    [SkippableFact]
    public void The_status_reads_map_nothing_of_the_index()
    {
        // Pages a map touched count in the daemon's RSS for as long as the map lives: 15-25 MiB of the
        // side-by-side index once status read whole tables through it.
        Skip.IfNot(OperatingSystem.IsLinux(), "reads /proc/self/maps");
        var path = _home.Combine("index.db");
        using var store = IndexStore.Open(path, _local.Id);
        store.EnsureFolder("f", 1);
        store.CommitLocal("f", Enumerable.Range(0, 200).Select(i => (File($"file-{i}", 10), (ulong)i)).ToList());
        using var peer = DeviceIdentity.CreateEphemeral();
        using var index = new StatusIndexConnection(path);

        Assert.Equal((200L, 2000L), new LocalTotals(index).Of("f"));
        Assert.Equal(200, new PeerCompletion(index, _local.Id, store).Of("f", peer.Id).NeedFiles);
        Assert.Equal(1, index.Opened);
        Assert.DoesNotContain(System.IO.File.ReadLines("/proc/self/maps"), line => line.EndsWith(path, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a", FileType.File, 0UL)]
    [InlineData("b", FileType.File, 1UL)]
    [InlineData("c", FileType.Directory, 0UL)]
    [InlineData("d", FileType.Symlink, 0UL)]
    [InlineData("e", FileType.File, ulong.MaxValue)]
    public void The_head_of_an_entry_gives_its_type_and_size(string name, FileType type, ulong size)
    {
        var bytes = new FileEntry { Name = name, Type = type, Size = size, Version = Version() }.ToByteArray();

        Assert.True(EntryHead.TryRead(bytes, complete: true, out var readType, out var readSize));
        Assert.Equal((type, size), (readType, readSize));
        Assert.True(EntryHead.TryRead(bytes.AsSpan(0, Math.Min(bytes.Length, 3 + name.Length + 11)), complete: false, out readType, out readSize));
        Assert.Equal((type, size), (readType, readSize));
    }

    [Fact]
    public void A_head_that_ends_before_type_and_size_are_settled_asks_for_the_whole_entry()
    {
        var bytes = new FileEntry { Name = new string('x', 300), Size = 5, Version = Version() }.ToByteArray();

        Assert.False(EntryHead.TryRead(bytes.AsSpan(0, 100), complete: false, out _, out _));
        Assert.Throws<FormatException>(() => EntryHead.TryRead(bytes.AsSpan(0, 100), complete: true, out _, out _));
    }

    private static Vector Version() => VersionVector.Of((1, 1)).ToProto();

    private static FileEntry File(string name, long size, int chunks = 1)
    {
        var manifest = new FileManifest { Size = (ulong)size, FileHash = ByteString.CopyFrom(new byte[32]) };
        for (var i = 0; i < chunks; i++)
        {
            manifest.Chunks.Add(new ChunkRef { Length = 65536u, Hash = ByteString.CopyFrom(new byte[32]) });
        }

        return new FileEntry { Name = name, Type = FileType.File, Size = (ulong)size, Version = Version(), Manifest = manifest };
    }
}
