using System.CommandLine;
using System.Runtime.InteropServices;
using Mesh.Peer.Config;
using Mesh.Peer.Daemon;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Cli;

/// <summary>
/// <c>mesh run [--home DIR] [--listen tcp://HOST:PORT]</c>: the daemon, in the foreground until SIGTERM or
/// SIGINT. Logs go to stderr; stdout gets one line saying where it listens, once it does.
/// </summary>
internal sealed class RunCommand : IMeshCommand
{
    /// <inheritdoc/>
    public Command Create()
    {
        var home = HomeOption.Create();
        var listen = new Option<string?>("--listen") { Description = "Listen here instead of config.toml's address (tcp://127.0.0.1:0 picks a free port)." };
        listen.Validators.Add(result =>
        {
            if (!TcpAddress.TryParse(result.GetValueOrDefault<string?>(), out _, out var problem))
            {
                result.AddError(problem);
            }
        });
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Least severe log level written.", DefaultValueFactory = _ => LogLevel.Information };
        var logFormat = new Option<string>("--log-format") { Description = "Log lines as 'text' or 'json' (one object per line).", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var progress = new Option<double>("--progress-interval") { Description = "Seconds between progress log lines during long scans and syncs.", DefaultValueFactory = _ => 5 };
        progress.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0.1 and <= 3600))
            {
                result.AddError("--progress-interval must be between 0.1 and 3600 seconds");
            }
        });
        var command = new Command("run", "Run the daemon: scan, watch, listen, connect to peers and sync, until stopped (SIGTERM or Ctrl-C).");
        command.Options.Add(home);
        command.Options.Add(listen);
        command.Options.Add(logLevel);
        command.Options.Add(logFormat);
        command.Options.Add(progress);
        command.SetAction(async (parseResult, ct) =>
        {
            // Before the daemon's threads first allocate in the C heap (docs/daemon.md, "Peak RSS (session 7)").
            _ = NativeHeapArenas.Limit(NativeHeapArenas.DaemonArenas);
            var listenText = parseResult.GetValue(listen);
            var options = new DaemonOptions
            {
                Listen = listenText is null ? null : TcpAddress.Parse(listenText),
                ProgressInterval = TimeSpan.FromSeconds(parseResult.GetValue(progress)),
            };
            using var loggers = DaemonLogging.Create(parseResult.GetValue(logLevel), parseResult.GetValue(logFormat) == "json");
            return await RunAsync(HomeOption.Resolve(parseResult, home), options, loggers, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Starts the daemon, runs it until <paramref name="ct"/> fires or a stop signal arrives, and stops it.</summary>
    internal static async Task<int> RunAsync(MeshHome home, DaemonOptions options, ILoggerFactory loggers, TextWriter output, TextWriter error, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        MeshDaemon daemon;
        try
        {
            daemon = await MeshDaemon.StartAsync(home, options, TimeProvider.System, new Random(), loggers, stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConfigException or DaemonStartException)
        {
            await error.WriteLineAsync($"mesh run: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        await using (daemon.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"mesh: device {daemon.DeviceId} listening on {daemon.ListenAddress ?? "(nothing)"}, control socket {home.ControlSocketPath}").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await daemon.RunAsync(stop.Token).ConfigureAwait(false);
        }

        return 0;

        // The daemon stops in order on SIGTERM/SIGINT instead of being torn down by the runtime.
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            RequestStop(stop);
        }
    }

    /// <summary>
    /// Cancels <paramref name="stop"/>, and does nothing once it is disposed: the runtime runs every
    /// handler registered for a signal on its own thread, so System.CommandLine's SIGTERM handler can
    /// stop the daemon and let <see cref="RunAsync"/> dispose the source before this handler runs
    /// (seen as an unhandled <see cref="ObjectDisposedException"/> and a failed exit on SIGTERM, which
    /// systemd would answer with a restart).
    /// </summary>
    internal static void RequestStop(CancellationTokenSource stop)
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped and cleaned up: nothing is left to stop.
        }
    }
}
