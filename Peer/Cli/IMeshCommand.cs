using System.CommandLine;

namespace Mesh.Peer.Cli;

/// <summary>
/// One <c>mesh</c> subcommand. Adding a command is adding one file under <c>Cli/</c> and its name to
/// <see cref="MeshCommands"/> (a test fails until it is listed there).
/// </summary>
internal interface IMeshCommand
{
    /// <summary>Builds the command with its options and action.</summary>
    Command Create();
}
