using System.CommandLine;

namespace Mesh.Peer.Cli;

/// <summary>
/// One <c>mesh</c> subcommand. Implementations are found by <see cref="MeshCommands"/>, so adding a
/// command is adding one file under <c>Cli/</c>.
/// </summary>
internal interface IMeshCommand
{
    /// <summary>Builds the command with its options and action.</summary>
    Command Create();
}
