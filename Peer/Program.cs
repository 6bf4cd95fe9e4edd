using System.CommandLine;
using Mesh.Peer.Cli;

// The `mesh` program: every subcommand lives in its own file under Cli/ and is found by MeshCommands.
var root = new RootCommand("Mesh: peer-to-peer folder sync between your own devices.");
foreach (var command in MeshCommands.All())
{
    root.Subcommands.Add(command);
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Usage errors exit with 2, apart from failures of the work itself (1), so scripts can tell them apart.
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
    }

    await Console.Error.WriteLineAsync("Run 'mesh --help' or 'mesh COMMAND --help' for usage.").ConfigureAwait(false);
    return 2;
}

return await parsed.InvokeAsync().ConfigureAwait(false);
