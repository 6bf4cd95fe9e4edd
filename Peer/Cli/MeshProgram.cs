using System.CommandLine;

namespace Mesh.Peer.Cli;

/// <summary>The whole <c>mesh</c> command line: parses, reports usage errors with exit code 2, runs the command.</summary>
internal static class MeshProgram
{
    /// <summary>Exit code of a usage error, apart from failures of the work itself (1), so scripts can tell them apart.</summary>
    public const int UsageError = 2;

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand CreateRoot() => CreateRoot(MeshCommands.All());

    /// <summary>
    /// The root command for <paramref name="args"/>: when the first argument names a subcommand, only
    /// that one is built (the others are never parsed, and building them all cost more than running
    /// <c>mesh manifest</c> on a small file); otherwise all, for the root's help, its suggestions for a
    /// mistyped name and its errors.
    /// </summary>
    public static RootCommand CreateRoot(IReadOnlyList<string> args)
    {
        var invoked = args.Count > 0 ? MeshCommands.Find(args[0]) : null;
        return invoked is null ? CreateRoot() : CreateRoot([invoked.Create()]);
    }

    private static RootCommand CreateRoot(IEnumerable<Command> subcommands)
    {
        var root = new RootCommand("Mesh: peer-to-peer folder sync between your own devices.");
        foreach (var command in subcommands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Runs <paramref name="args"/>; output and errors go where <paramref name="configuration"/> says (the console by default).</summary>
    public static async Task<int> RunAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        // On SIGTERM/SIGINT the command's token is cancelled; the daemon then closes links and the index,
        // which can take longer than System.CommandLine's default 2 s before it forces the exit.
        configuration ??= new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(20) };
        var parsed = CreateRoot(args).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await configuration.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await configuration.Error.WriteLineAsync("Run 'mesh --help' or 'mesh COMMAND --help' for usage.").ConfigureAwait(false);
            return UsageError;
        }

        return await parsed.InvokeAsync(configuration).ConfigureAwait(false);
    }
}
