using Mesh.Peer.Daemon;
using Mesh.Peer.Sync;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Peer.Tests.Daemon;

/// <summary>A <see cref="MeshDaemon"/> started in-process and running until disposed.</summary>
internal sealed class RunningDaemon : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private RunningDaemon(MeshDaemon daemon)
    {
        Daemon = daemon;
        _run = daemon.RunAsync(_stop.Token);
    }

    public MeshDaemon Daemon { get; }

    public static DaemonOptions Options { get; } = new()
    {
        Engine = new SyncEngineOptions { Watch = false },
        ProgressInterval = TimeSpan.FromMilliseconds(200),
    };

    public static async Task<RunningDaemon> StartAsync(DaemonHome home, DaemonOptions? options = null) =>
        new(await MeshDaemon.StartAsync(home.Home, options ?? Options, TimeProvider.System, new Random(1), NullLoggerFactory.Instance, CancellationToken.None));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await Daemon.DisposeAsync();
        _stop.Dispose();
    }
}
