using System.CommandLine;
using Mesh.Peer.Cli;

// The `mesh` program: every subcommand lives in its own file under Cli/ and is registered here.
var root = new RootCommand("Mesh: peer-to-peer folder sync between your own devices.");
foreach (var command in MeshCommands.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
