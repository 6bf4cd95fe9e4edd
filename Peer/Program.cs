using Mesh.Peer.Cli;

// The `mesh` program: every subcommand lives in its own file under Cli/ and is listed in MeshCommands;
// MeshProgram parses and maps usage errors to exit code 2.
return await MeshProgram.RunAsync(args).ConfigureAwait(false);
