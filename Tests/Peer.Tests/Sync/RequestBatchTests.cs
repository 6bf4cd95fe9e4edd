using Google.Protobuf;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

public sealed class RequestBatchTests
{
    [Fact]
    public async Task A_request_batch_is_answered_with_every_chunk_and_a_missing_chunk_is_reported_alone()
    {
        await using var b = TestDevice.Create("b");
        var contents = Enumerable.Range(0, 5).Select(i => SyncEngineTests.RandomBytes(1000 + (i * 300), 40 + i)).ToList();
        for (var i = 0; i < contents.Count; i++)
        {
            b.Write($"d/f{i}.bin", contents[i]);
        }

        await b.ScanAsync();
        await using var fake = new FakePeer(b);
        await fake.HelloAsync(TestDevice.FolderId, SyncProtocol.RequestBatchFeature);
        var batch = new RequestBatch();
        for (var i = 0; i < contents.Count; i++)
        {
            var chunk = b.Store.GetLocal(TestDevice.FolderId, $"d/f{i}.bin")!.Entry.Manifest.Chunks[0];
            batch.Requests.Add(new Request { Id = (ulong)(i + 1), Folder = TestDevice.FolderId, Name = $"d/f{i}.bin", Size = chunk.Length, Hash = chunk.Hash });
        }

        // A chunk nobody has, in the middle of the batch.
        batch.Requests.Insert(2, new Request { Id = 99, Folder = TestDevice.FolderId, Name = "d/gone.bin", Size = 1000, Hash = ByteString.CopyFrom(new byte[32]) });
        await fake.SendAsync(new SyncEnvelope { RequestBatch = batch });

        var answers = new Dictionary<ulong, Response>();
        while (answers.Count < batch.Requests.Count)
        {
            var envelope = await fake.ReceiveAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(envelope);
            if (envelope.BodyCase == SyncEnvelope.BodyOneofCase.ResponseBatch)
            {
                foreach (var response in envelope.ResponseBatch.Responses)
                {
                    answers.Add(response.Id, response);
                }
            }
        }

        Assert.Equal(ErrorCode.InvalidFile, answers[99].Code);
        for (var i = 0; i < contents.Count; i++)
        {
            Assert.Equal(ErrorCode.None, answers[(ulong)(i + 1)].Code);
            Assert.Equal(contents[i], answers[(ulong)(i + 1)].Data.ToByteArray());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chunk_requests_are_batched_only_to_a_peer_that_lists_the_feature(bool peerTakesBatches)
    {
        const int Files = 120;
        await using var b = TestDevice.Create("b");
        await using var fake = new FakePeer(b);
        await fake.HelloAsync(TestDevice.FolderId, peerTakesBatches ? [SyncProtocol.RequestBatchFeature] : []);
        var contents = new Dictionary<string, byte[]>();
        var index = new Mesh.Proto.Index { Folder = TestDevice.FolderId, IndexId = 42 };
        for (var i = 0; i < Files; i++)
        {
            var name = $"d{i % 3}/s{i:D3}.dat";
            contents[name] = SyncEngineTests.RandomBytes(1024 + (i * 17), 100 + i);
            index.Files.Add(FakePeer.FileEntryFor(name, contents[name], fake.Identity.Id.ShortId));
        }

        await fake.SendAsync(new SyncEnvelope { Index = index });
        var serving = fake.ServeAsync(request => new Response
        {
            Id = request.Id,
            Data = ByteString.CopyFrom(contents[request.Name].AsSpan((int)request.Offset, (int)request.Size)),
        });

        await Eventually.TrueAsync(() => contents.Keys.All(n => File.Exists(b.PathOf(n))), "all files pulled");
        foreach (var (name, content) in contents)
        {
            Assert.Equal(content, File.ReadAllBytes(b.PathOf(name)));
        }

        var kinds = fake.Received.ToList();
        if (peerTakesBatches)
        {
            // Requests made while one is on its way go out together.
            Assert.Contains(SyncEnvelope.BodyOneofCase.RequestBatch, kinds);
            Assert.True(kinds.Count(k => k is SyncEnvelope.BodyOneofCase.Request or SyncEnvelope.BodyOneofCase.RequestBatch) < Files);
        }
        else
        {
            Assert.DoesNotContain(SyncEnvelope.BodyOneofCase.RequestBatch, kinds);
            Assert.Equal(Files, kinds.Count(k => k == SyncEnvelope.BodyOneofCase.Request));
        }
    }
}
