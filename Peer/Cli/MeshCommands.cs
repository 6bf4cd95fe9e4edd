using System.CommandLine;

namespace Mesh.Peer.Cli;

/// <summary>The subcommands of the <c>mesh</c> program, in the order <c>--help</c> lists them.</summary>
internal static class MeshCommands
{
    /// <summary>Creates a fresh instance of every subcommand.</summary>
    public static IEnumerable<Command> All()
    {
        yield break;
    }
}
