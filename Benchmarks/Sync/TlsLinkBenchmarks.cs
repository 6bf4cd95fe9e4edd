using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Google.Protobuf;
using Mesh.Peer.Identity;
using Mesh.Peer.Links;
using Mesh.Peer.Sync;
using Mesh.Proto;
using Mesh.Transport.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Benchmarks.Sync;

/// <summary>
/// The direct TLS link on loopback TCP: one-way throughput with chunk-sized messages, and how much
/// zstd saves on an index message of small files (printed as LINK-BENCH lines). Run with
/// <c>--filter '*TlsLinkBenchmarks*'</c>.
/// </summary>
[Config(typeof(InProcessConfig))]
public class TlsLinkBenchmarks : IAsyncDisposable
{
    private const int MessageBytes = 128 * 1024;
    private const long TotalBytes = 256L * 1024 * 1024;

    private readonly DeviceIdentity _a = DeviceIdentity.CreateEphemeral();
    private readonly DeviceIdentity _b = DeviceIdentity.CreateEphemeral();
    private ITcpConnection? _client;
    private ITcpConnection? _server;
    private TlsLink? _aToB;
    private TlsLink? _bToA;
    private byte[] _chunk = [];

    [GlobalSetup]
    public void Setup()
    {
        var tcp = SocketNetwork.Instance.ListenTcp(new IPEndPoint(IPAddress.Loopback, 0));
        var accept = tcp.AcceptAsync().AsTask();
        _client = SocketNetwork.Instance.ConnectTcpAsync(tcp.LocalEndPoint).AsTask().GetAwaiter().GetResult();
        _server = accept.GetAwaiter().GetResult();
        tcp.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var acceptTls = TlsLinkHandshake.AcceptAsync(_server.Stream, _b, d => d == _a.Id, NullLogger.Instance, CancellationToken.None);
        _aToB = TlsLinkHandshake.ConnectAsync(_client.Stream, _a, _b.Id, NullLogger.Instance, CancellationToken.None).GetAwaiter().GetResult();
        _bToA = acceptTls.GetAwaiter().GetResult();
        _chunk = SyncProtocol.Encode(new SyncEnvelope { Response = new Response { Id = 1, Data = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(MessageBytes)) } });
        ReportCompression();
    }

    /// <summary>256 MiB of chunk responses from a to b; reports MiB/s.</summary>
    [Benchmark]
    public async Task ChunkThroughput()
    {
        var count = (int)(TotalBytes / MessageBytes);
        var watch = Stopwatch.StartNew();
        var receiver = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                _ = await _bToA!.ReceiveAsync(CancellationToken.None);
            }
        });
        for (var i = 0; i < count; i++)
        {
            await _aToB!.SendAsync(_chunk, CancellationToken.None);
        }

        await receiver;
        watch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LINK-BENCH {TotalBytes / 1048576} MiB in {MessageBytes / 1024} KiB responses: {TotalBytes / 1048576.0 / watch.Elapsed.TotalSeconds:F0} MiB/s"));
    }

    [GlobalCleanup]
    public void Cleanup() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_aToB is not null)
        {
            await _aToB.DisposeAsync();
        }

        if (_bToA is not null)
        {
            await _bToA.DisposeAsync();
        }

        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _a.Dispose();
        _b.Dispose();
    }

    // An index message like the one the small-files scenario sends: 2,000 files of 1-4 KiB with real
    // SHA-256 hashes (which do not compress) and names, versions and sizes (which do).
    private void ReportCompression()
    {
        var index = new Mesh.Proto.Index { Folder = "bench", IndexId = 7, Last = true };
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var size = random.Next(1024, 4097);
            var entry = new FileEntry
            {
                Name = $"d{i % 20:D2}/f{i:D6}.txt", Size = (ulong)size, Mode = 420, ModifiedNs = 1_764_000_000_000_000_000 + (i * 1_000_003L),
                Sequence = (ulong)i + 1, ModifiedBy = 0x1234_5678_9abc_def0,
                Version = new Vector(),
                Manifest = new FileManifest { ChunkerId = 1, Size = (ulong)size, FileHash = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)) },
            };
            entry.Version.Counters.Add(new Counter { Id = 0x1234_5678_9abc_def0, Value = (ulong)i + 1 });
            entry.Manifest.Chunks.Add(new ChunkRef { Hash = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)), Length = (uint)size });
            index.Files.Add(entry);
        }

        var message = SyncProtocol.Encode(new SyncEnvelope { Index = index });
        var before = _aToB!.BytesSent;
        _aToB.SendAsync(message, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _ = _bToA!.ReceiveAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var onWire = _aToB.BytesSent - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LINK-BENCH index of 2000 small files: {message.Length} bytes, {onWire} on the wire ({100.0 * onWire / message.Length:F0} %)"));
    }

    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() =>
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(3));
    }
}
