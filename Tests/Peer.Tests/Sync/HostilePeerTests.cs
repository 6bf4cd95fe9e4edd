using Google.Protobuf;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

public sealed class HostilePeerTests
{
    [Fact]
    public async Task Hostile_index_entries_are_rejected_and_nothing_outside_the_folder_is_touched()
    {
        var logs = new ListLoggerProvider();
        await using var b = TestDevice.Create("b", loggers: logs);
        using var outside = new TempFolder();
        var marker = Guid.NewGuid().ToString("N")[..8];
        await using var fake = new FakePeer(b);
        await fake.HelloAsync(TestDevice.FolderId);
        var id = fake.Identity.Id.ShortId;

        var good = SyncEngineTests.RandomBytes(100_000, 3);
        var hostileNames = new[]
        {
            $"../escape-{marker}.txt",
            $"{outside.Path}/absolute-{marker}.txt",
            $"nul\0byte-{marker}.txt",
            ".mesh/index.db",
            ".meshignore",
            $"dir/.mesh.{marker}.tmp",
            $"dir/../../escape2-{marker}.txt",
            $"back\\slash-{marker}.txt",
            "C:/windows.txt",
            "",
        };
        var index = new Mesh.Proto.Index { Folder = TestDevice.FolderId, IndexId = 42 };
        foreach (var name in hostileNames)
        {
            index.Files.Add(FakePeer.FileEntryFor(name, good, id));
        }

        // A symlink out of the folder, then a file "inside" it: the write must not follow the link.
        var link = FakePeer.FileEntryFor($"evil-{marker}", [], id);
        link.Type = FileType.Symlink;
        link.Manifest = null;
        link.Size = 0;
        link.SymlinkTarget = outside.Path;
        index.Files.Add(link);
        index.Files.Add(FakePeer.FileEntryFor($"evil-{marker}/planted.txt", good, id));

        // A manifest whose file hash does not add up, and a good file.
        var forged = FakePeer.FileEntryFor("forged.txt", good, id);
        forged.Manifest.FileHash = ByteString.CopyFrom(new byte[32]);
        index.Files.Add(forged);
        index.Files.Add(FakePeer.FileEntryFor("good.txt", good, id));
        await fake.SendAsync(new SyncEnvelope { Index = index });
        var serving = fake.ServeAsync(request => new Response { Id = request.Id, Data = ByteString.CopyFrom(good.AsSpan((int)request.Offset, (int)request.Size)) });

        await Eventually.TrueAsync(() => File.Exists(b.PathOf("good.txt")) && logs.Contains($"evil-{marker}/planted.txt"), "the good file arrived and the planted one was refused");

        Assert.Equal(good, File.ReadAllBytes(b.PathOf("good.txt")));
        Assert.Empty(Directory.GetFileSystemEntries(outside.Path));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(b.FolderPath)!, $"escape-{marker}.txt")));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(b.FolderPath))!, $"escape2-{marker}.txt")));
        Assert.False(File.Exists(b.PathOf("forged.txt")));
        Assert.False(File.Exists(b.PathOf(".meshignore")));
        Assert.False(Directory.Exists(b.PathOf(".mesh")));
        foreach (var name in hostileNames.Append("forged.txt"))
        {
            Assert.True(logs.Contains($"Rejected entry {name} from"), $"no rejection logged for '{name}'");
        }
    }

    [Fact]
    public async Task A_chunk_whose_data_does_not_match_its_hash_is_rejected()
    {
        var logs = new ListLoggerProvider();
        await using var b = TestDevice.Create("b", loggers: logs);
        await using var fake = new FakePeer(b);
        await fake.HelloAsync(TestDevice.FolderId);
        var content = SyncEngineTests.RandomBytes(50_000, 4);
        var index = new Mesh.Proto.Index { Folder = TestDevice.FolderId, IndexId = 42 };
        index.Files.Add(FakePeer.FileEntryFor("lie.bin", content, fake.Identity.Id.ShortId));
        await fake.SendAsync(new SyncEnvelope { Index = index });
        var lies = 0;
        var serving = fake.ServeAsync(request =>
        {
            var data = content.AsSpan((int)request.Offset, (int)request.Size).ToArray();
            if (Interlocked.Increment(ref lies) <= 3)
            {
                data[0] ^= 0xff;
            }

            return new Response { Id = request.Id, Data = ByteString.CopyFrom(data) };
        });

        await Eventually.TrueAsync(() => logs.Contains("does not match its hash"), "bad data reported");
        Assert.False(File.Exists(b.PathOf("lie.bin")));

        // Once the peer sends the right bytes, the retry completes the file.
        await Eventually.TrueAsync(() => File.Exists(b.PathOf("lie.bin")), "pulled after retries");
        Assert.Equal(content, File.ReadAllBytes(b.PathOf("lie.bin")));
    }

    [Fact]
    public async Task A_malformed_message_closes_the_link_with_a_reason()
    {
        var logs = new ListLoggerProvider();
        await using var b = TestDevice.Create("b", loggers: logs);
        await using var fake = new FakePeer(b);
        await fake.HelloAsync(TestDevice.FolderId);

        await fake.SendRawAsync([0x08, 0x01, 0x12, 0xff, 0xff, 0xff]);

        SyncEnvelope? close = null;
        for (var i = 0; i < 10 && close?.BodyCase != SyncEnvelope.BodyOneofCase.Close; i++)
        {
            close = await fake.ReceiveAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(SyncEnvelope.BodyOneofCase.Close, close!.BodyCase);
        Assert.Contains("malformed", close.Close.Reason, StringComparison.Ordinal);
        await fake.TargetRun.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(logs.Contains("Closing link to"));
    }

    [Fact]
    public async Task Unknown_message_kinds_are_skipped_and_the_link_keeps_working()
    {
        await using var b = TestDevice.Create("b");
        await using var fake = new FakePeer(b);
        await fake.HelloAsync(TestDevice.FolderId);

        // Version 1 and a body in field 50, which this build does not know.
        await fake.SendRawAsync([0x08, 0x01, 0x92, 0x03, 0x02, 0x68, 0x69]);
        var content = SyncEngineTests.RandomBytes(1000, 5);
        var index = new Mesh.Proto.Index { Folder = TestDevice.FolderId, IndexId = 42 };
        index.Files.Add(FakePeer.FileEntryFor("after-unknown.bin", content, fake.Identity.Id.ShortId));
        await fake.SendAsync(new SyncEnvelope { Index = index });
        var serving = fake.ServeAsync(request => new Response { Id = request.Id, Data = ByteString.CopyFrom(content.AsSpan((int)request.Offset, (int)request.Size)) });

        await Eventually.TrueAsync(() => File.Exists(b.PathOf("after-unknown.bin")), "the link survived the unknown message");
        Assert.False(fake.TargetRun.IsCompleted);
    }

    [Fact]
    public async Task A_response_with_fields_this_build_does_not_know_still_delivers_its_chunk()
    {
        await using var b = TestDevice.Create("b");
        await using var fake = new FakePeer(b);
        await fake.HelloAsync(TestDevice.FolderId);
        var content = SyncEngineTests.RandomBytes(300_000, 6);
        var index = new Mesh.Proto.Index { Folder = TestDevice.FolderId, IndexId = 42 };
        index.Files.Add(FakePeer.FileEntryFor("newer-sender.bin", content, fake.Identity.Id.ShortId));
        await fake.SendAsync(new SyncEnvelope { Index = index });

        // Field 15 (varint 7) inside the Response, as a newer version might add: the in-place reader
        // leaves such a message to the general decoder, which skips the field.
        var serving = fake.ServeRawAsync(request =>
        {
            var response = new Response { Id = request.Id, Data = ByteString.CopyFrom(content.AsSpan((int)request.Offset, (int)request.Size)) };
            var body = response.ToByteArray().Concat(new byte[] { 0x78, 0x07 }).ToArray();
            var envelope = new List<byte> { 0x08, 0x01, 0x32 };
            var length = (uint)body.Length;
            while (length >= 0x80)
            {
                envelope.Add((byte)(length | 0x80));
                length >>= 7;
            }

            envelope.Add((byte)length);
            envelope.AddRange(body);
            return envelope.ToArray();
        });

        await Eventually.TrueAsync(() => File.Exists(b.PathOf("newer-sender.bin")), "the file arrived");
        Assert.Equal(content, File.ReadAllBytes(b.PathOf("newer-sender.bin")));
        Assert.False(fake.TargetRun.IsCompleted);
    }

    [Fact]
    public async Task A_hello_that_names_another_device_than_the_link_authenticated_is_refused()
    {
        await using var b = TestDevice.Create("b");
        await using var fake = new FakePeer(b);
        await fake.ReceiveAsync(TimeSpan.FromSeconds(10));
        var hello = new Hello { DeviceId = ByteString.CopyFrom(new byte[32]) };
        hello.Folders.Add(new FolderHello { Id = TestDevice.FolderId, IndexId = 1 });
        await fake.SendAsync(new SyncEnvelope { Hello = hello });

        var answer = await fake.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(SyncEnvelope.BodyOneofCase.Close, answer!.BodyCase);
        await fake.TargetRun.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
