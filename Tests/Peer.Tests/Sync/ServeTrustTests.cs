using Mesh.Peer.Files;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

public sealed class ServeTrustTests
{
    [Fact]
    public async Task A_chunk_of_a_file_that_still_matches_its_record_is_served_without_hashing_and_one_of_a_changed_file_is_checked()
    {
        // Serving used to hash every chunk again after the scan had hashed it: 1 GiB sent cost 1 GiB of
        // SHA-256 twice on the sender. A file whose size, mtime and inode match its record is trusted, as
        // the scanner trusts it; the requester checks every chunk anyway. To see which path was taken, the
        // bytes are changed behind the index's back with the stat kept, which only the hash would notice.
        await using var b = TestDevice.Create("b");
        var original = SyncEngineTests.RandomBytes(RecordedChunks.MinTrustedLength + 3000, 7);
        b.Write("f.bin", original);
        await b.ScanAsync();
        var record = b.Store.GetLocal(TestDevice.FolderId, "f.bin")!;
        var chunk = record.Entry.Manifest.Chunks[0];
        Assert.True(chunk.Length >= RecordedChunks.MinTrustedLength);
        await using var fake = new FakePeer(b);
        await fake.HelloAsync(TestDevice.FolderId);

        var edited = await EditBehindTheRecordAsync(b, original, record.Entry.ModifiedNs);

        var trusted = await RequestAsync(fake, 1, chunk);
        Assert.Equal(ErrorCode.None, trusted.Code);
        Assert.Equal(edited.AsSpan(0, (int)chunk.Length).ToArray(), trusted.Data.ToByteArray());

        // A stat that differs from the record (an edit not scanned yet): the bytes are checked and refused.
        new LocalFileSystem().SetModified(b.PathOf("f.bin"), record.Entry.ModifiedNs + 1_000_000_000);
        var checkedAnswer = await RequestAsync(fake, 2, chunk);
        Assert.Equal(ErrorCode.InvalidFile, checkedAnswer.Code);
    }

    [Fact]
    public async Task A_small_chunk_is_hashed_even_when_its_file_matches_its_record()
    {
        // For a file of one small chunk, looking its record up costs more than hashing it.
        await using var b = TestDevice.Create("b");
        var original = SyncEngineTests.RandomBytes(3000, 8);
        b.Write("f.bin", original);
        await b.ScanAsync();
        var record = b.Store.GetLocal(TestDevice.FolderId, "f.bin")!;
        var chunk = Assert.Single(record.Entry.Manifest.Chunks);
        await using var fake = new FakePeer(b);
        await fake.HelloAsync(TestDevice.FolderId);

        await EditBehindTheRecordAsync(b, original, record.Entry.ModifiedNs);

        var answer = await RequestAsync(fake, 1, chunk);
        Assert.Equal(ErrorCode.InvalidFile, answer.Code);
    }

    [Fact]
    public async Task Files_just_pulled_are_not_hashed_again_by_the_next_scan()
    {
        // The puller checked every chunk as it arrived and records each file with the stat it renamed
        // in; a scan that hashed them again would read the whole pull a second time (scenario a: 1 GiB).
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        a.Write("big.bin", SyncEngineTests.RandomBytes(3 * 1024 * 1024, 11));
        a.Write("mid.bin", SyncEngineTests.RandomBytes(256 * 1024, 12));
        a.Write("small.txt", SyncEngineTests.RandomBytes(3000, 13));
        await a.ScanAsync();

        await using var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(() => File.Exists(b.PathOf("small.txt")) && File.Exists(b.PathOf("mid.bin")) && File.Exists(b.PathOf("big.bin")) &&
                                         b.Status.State == FolderState.Idle && b.Status.NeedFiles == 0, "b has the files", 60);

        var scan = await b.Engine.ScanAsync(TestDevice.FolderId);
        Assert.Equal(0, scan.HashedBytes);
        Assert.Equal(0, scan.Changed);
    }

    private static async Task<Response> RequestAsync(FakePeer fake, ulong id, ChunkRef chunk)
    {
        await fake.SendAsync(new SyncEnvelope
        {
            Request = new Request { Id = id, Folder = TestDevice.FolderId, Name = "f.bin", Offset = 0, Size = chunk.Length, Hash = chunk.Hash },
        });
        while (true)
        {
            var envelope = await fake.ReceiveAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(envelope);
            if (envelope.BodyCase == SyncEnvelope.BodyOneofCase.Response && envelope.Response.Id == id)
            {
                return envelope.Response;
            }
        }
    }

    /// <summary>Flips one byte of f.bin and puts its recorded mtime back, so its stat still matches the record.</summary>
    private static async Task<byte[]> EditBehindTheRecordAsync(TestDevice device, byte[] original, long modifiedNs)
    {
        var edited = (byte[])original.Clone();
        edited[1500] ^= 0xFF;
        await File.WriteAllBytesAsync(device.PathOf("f.bin"), edited);
        new LocalFileSystem().SetModified(device.PathOf("f.bin"), modifiedNs);
        return edited;
    }
}
