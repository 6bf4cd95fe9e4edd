using System.Net;
using Mesh.Peer.Links;
using Mesh.Peer.Sync;
using Mesh.Peer.Tests.Sync;

namespace Mesh.Peer.Tests.Links;

/// <summary>Two engines behind two DirectLinkServices that dial each other at the same moment.</summary>
public sealed class SimultaneousDialSyncTests
{
    private static readonly DirectLinkOptions Fast = new() { MinBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(300), ConnectTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task When_both_services_dial_at_once_the_pull_of_a_large_file_completes()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        var content = SyncEngineTests.RandomBytes(8 * 1024 * 1024, 5);
        a.Write("large.bin", content);
        await a.ScanAsync();

        // Each round starts both services together, so both dial at once and one connection replaces
        // the other on at least one side while the pull begins.
        for (var round = 0; round < 4; round++)
        {
            var name = $"small{round}.bin";
            a.Write(name, SyncEngineTests.RandomBytes(64 * 1024, round));
            await a.ScanAsync();

            var aPort = LoopbackTcp.FreePort();
            var bPort = LoopbackTcp.FreePort();
            await using var aService = new DirectLinkService(a.Identity, new IPEndPoint(IPAddress.Loopback, aPort), [new DirectPeer(b.Id, "127.0.0.1", bPort)], a.Engine.RunLinkAsync, TimeProvider.System, new Random(round), new ListLoggerProvider(), Fast);
            await using var bService = new DirectLinkService(b.Identity, new IPEndPoint(IPAddress.Loopback, bPort), [new DirectPeer(a.Id, "127.0.0.1", aPort)], b.Engine.RunLinkAsync, TimeProvider.System, new Random(round + 100), new ListLoggerProvider(), Fast);
            aService.Start();
            bService.Start();
            using var stop = new CancellationTokenSource();
            var runs = Task.WhenAll(aService.RunAsync(stop.Token), bService.RunAsync(stop.Token));

            await Eventually.TrueAsync(() => File.Exists(b.PathOf(name)) && File.Exists(b.PathOf("large.bin")), $"round {round}: b pulled over the surviving link", timeoutSeconds: 120);
            Assert.Equal(content, File.ReadAllBytes(b.PathOf("large.bin")));

            await stop.CancelAsync();
            await runs.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
