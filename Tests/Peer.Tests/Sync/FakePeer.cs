using Google.Protobuf;
using Mesh.Peer.Identity;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

/// <summary>A scripted peer that speaks the wire protocol by hand, to send what a real engine never would.</summary>
internal sealed class FakePeer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public FakePeer(TestDevice target)
    {
        Identity = DeviceIdentity.CreateEphemeral();
        (Link, var targetEnd) = InMemoryLink.CreatePair(Identity.Id, target.Id);
        TargetRun = Task.Run(() => target.Engine.RunLinkAsync(targetEnd, _stop.Token));
    }

    public DeviceIdentity Identity { get; }

    public InMemoryLink Link { get; }

    /// <summary>The target engine's side of the link; completes when it closes the link.</summary>
    public Task TargetRun { get; }

    public Task SendAsync(SyncEnvelope envelope) => Link.SendAsync(SyncProtocol.Encode(envelope), CancellationToken.None).AsTask();

    public Task SendRawAsync(byte[] bytes) => Link.SendAsync(bytes, CancellationToken.None).AsTask();

    public async Task<SyncEnvelope?> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var message = await Link.ReceiveAsync(cts.Token);
        return message is null ? null : SyncEnvelope.Parser.ParseFrom(message.Value.Span);
    }

    /// <summary>The kinds of messages <see cref="ServeAsync"/> received, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<SyncEnvelope.BodyOneofCase> Received { get; } = new();

    /// <summary>Exchanges Hello; the fake lists <paramref name="features"/> (none: it speaks the first protocol only).</summary>
    public async Task HelloAsync(string folder, params string[] features)
    {
        var theirs = await ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(SyncEnvelope.BodyOneofCase.Hello, theirs!.BodyCase);
        var hello = new Hello { DeviceId = ByteString.CopyFrom(Identity.Id.Bytes), DeviceName = "fake", Features = { features } };
        hello.Folders.Add(new FolderHello { Id = folder, IndexId = 42 });
        await SendAsync(new SyncEnvelope { Hello = hello });
    }

    /// <summary>Answers chunk requests from <paramref name="answer"/> until stopped; other messages are dropped.</summary>
    public Task ServeAsync(Func<Request, Response> answer) => ServeRawAsync(request => SyncProtocol.Encode(new SyncEnvelope { Response = answer(request) }));

    /// <summary>Answers chunk requests with the link messages <paramref name="answer"/> encodes, as they are.</summary>
    public Task ServeRawAsync(Func<Request, byte[]> answer) => Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            ReadOnlyMemory<byte>? message;
            try
            {
                message = await Link.ReceiveAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or LinkClosedException)
            {
                return;
            }

            if (message is null)
            {
                return;
            }

            var envelope = SyncEnvelope.Parser.ParseFrom(message.Value.Span);
            Received.Enqueue(envelope.BodyCase);
            if (envelope.BodyCase == SyncEnvelope.BodyOneofCase.Request)
            {
                await SendRawAsync(answer(envelope.Request));
            }
            else if (envelope.BodyCase == SyncEnvelope.BodyOneofCase.RequestBatch)
            {
                var batch = new ResponseBatch();
                // Each raw answer is one Response envelope; its Response (unknown fields kept) goes into the batch.
                batch.Responses.AddRange(envelope.RequestBatch.Requests.Select(r => SyncEnvelope.Parser.ParseFrom(answer(r)).Response));
                await SendAsync(new SyncEnvelope { ResponseBatch = batch });
            }
        }
    });

    public static FileEntry FileEntryFor(string name, byte[] content, ulong device)
    {
        var manifest = Mesh.Chunking.ManifestBuilder.Build(content, Mesh.Chunking.ChunkerParameters.Default);
        return new FileEntry
        {
            Name = name,
            Type = FileType.File,
            Size = (ulong)content.Length,
            Mode = 0x1a4,
            ModifiedNs = 1_700_000_000_000_000_000,
            Version = VersionVector.Of((device, 1)).ToProto(),
            Sequence = 1,
            Manifest = manifest,
            ModifiedBy = device,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Link.Break();
        try
        {
            await TargetRun.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (LinkClosedException)
        {
        }

        Identity.Dispose();
        _stop.Dispose();
    }
}
