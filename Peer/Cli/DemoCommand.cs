using System.CommandLine;

namespace Mesh.Peer.Cli;

/// <summary>
/// <c>mesh demo</c>: two devices in a temporary folder, two daemons on loopback in this process, a
/// generated tree synced with live progress, an edit that arrives on the other side, then cleanup.
/// Needs no server and no configuration: it is the first thing to run.
/// </summary>
internal sealed class DemoCommand : IMeshCommand
{
    /// <inheritdoc/>
    public Command Create()
    {
        var files = new Option<int>("--files") { Description = "Files in the sample tree.", DefaultValueFactory = _ => 300 };
        files.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 2 or > 1_000_000)
            {
                result.AddError("--files must be between 2 and 1000000");
            }
        });
        var megabytes = new Option<double>("--megabytes") { Description = "Approximate size of the sample tree in MiB.", DefaultValueFactory = _ => 64 };
        megabytes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0.01 or > 100_000)
            {
                result.AddError("--megabytes must be between 0.01 and 100000");
            }
        });
        var timeout = new Option<double>("--timeout") { Description = "Give up after this many seconds.", DefaultValueFactory = _ => 600 };
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary folder (homes, trees, logs) and print where it is." };
        var seed = new Option<int>("--seed") { Description = "Seed of the sample tree's contents.", DefaultValueFactory = _ => 1 };
        var command = new Command("demo", "Sync a generated tree between two local devices over loopback, live, then edit a file and watch it arrive. No server needed.");
        command.Options.Add(files);
        command.Options.Add(megabytes);
        command.Options.Add(timeout);
        command.Options.Add(keep);
        command.Options.Add(seed);
        command.SetAction(async (parseResult, ct) =>
        {
            var options = new DemoOptions(
                parseResult.GetValue(files),
                (long)(parseResult.GetValue(megabytes) * 1024 * 1024),
                TimeSpan.FromSeconds(parseResult.GetValue(timeout)),
                parseResult.GetValue(keep),
                parseResult.GetValue(seed));
            var output = parseResult.InvocationConfiguration.Output;
            var live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            return await DemoRun.RunAsync(options, output, parseResult.InvocationConfiguration.Error, live, ct).ConfigureAwait(false);
        });
        return command;
    }
}
