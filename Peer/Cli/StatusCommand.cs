using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mesh.Peer.Control;

namespace Mesh.Peer.Cli;

/// <summary>
/// <c>mesh status [--home DIR] [--json] [--watch]</c>: asks the running daemon over the control socket for
/// each folder's state and needs and each peer's link, once or live.
/// </summary>
internal sealed class StatusCommand : IMeshCommand
{
    // The indented form goes through the generated context too (no reflection), so it works in the
    // Native AOT binary.
    private static readonly JsonTypeInfo<StatusReport> IndentedStatus =
        (JsonTypeInfo<StatusReport>)new JsonSerializerOptions(ControlJsonContext.Default.Options) { WriteIndented = true }
            .GetTypeInfo(typeof(StatusReport));

    /// <inheritdoc/>
    public Command Create()
    {
        var home = HomeOption.Create();
        var json = new Option<bool>("--json") { Description = "Print one JSON object (with --watch: one per line per refresh)." };
        var watch = new Option<bool>("--watch") { Description = "Keep refreshing until interrupted." };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes with --watch.", DefaultValueFactory = _ => 1 };
        interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0.1 and <= 3600))
            {
                result.AddError("--interval must be between 0.1 and 3600 seconds");
            }
        });
        var command = new Command("status", "Show what the running daemon is doing: folders (state, local, needed, progress) and peers (link, path, bytes).");
        command.Options.Add(home);
        command.Options.Add(json);
        command.Options.Add(watch);
        command.Options.Add(interval);
        command.SetAction(async (parseResult, ct) =>
            await RunAsync(
                HomeOption.Resolve(parseResult, home).ControlSocketPath,
                parseResult.GetValue(json),
                parseResult.GetValue(watch),
                TimeSpan.FromSeconds(parseResult.GetValue(interval)),
                parseResult.InvocationConfiguration.Output,
                parseResult.InvocationConfiguration.Error,
                ct).ConfigureAwait(false));
        return command;
    }

    /// <summary>Prints the status once, or every <paramref name="interval"/> until cancelled; returns the exit code.</summary>
    internal static async Task<int> RunAsync(string socket, bool asJson, bool watch, TimeSpan interval, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var clear = watch && !asJson && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        try
        {
            while (true)
            {
                var response = await ControlClient.SendAsync(socket, new ControlRequest(ControlRequest.Status), ct).ConfigureAwait(false);
                if (!response.Ok || response.Status is null)
                {
                    await error.WriteLineAsync($"mesh status: {response.Error ?? "no status in the answer"}").ConfigureAwait(false);
                    return 1;
                }

                string text;
                if (asJson)
                {
                    text = watch
                        ? JsonSerializer.Serialize(response.Status, ControlJsonContext.Default.StatusReport) + "\n"
                        : JsonSerializer.Serialize(response.Status, IndentedStatus) + "\n";
                }
                else
                {
                    text = (clear ? "\u001b[H\u001b[2J" : string.Empty) + StatusText.Format(response.Status) + (watch && !clear ? "\n" : string.Empty);
                }

                await output.WriteAsync(text).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
                if (!watch)
                {
                    return 0;
                }

                await Task.Delay(interval, ct).ConfigureAwait(false);
            }
        }
        catch (ControlUnavailableException e)
        {
            await error.WriteLineAsync($"mesh status: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
    }
}
