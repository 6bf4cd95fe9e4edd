using System.CommandLine;
using System.Diagnostics.CodeAnalysis;

namespace Mesh.Peer.Cli;

/// <summary>The subcommands of the <c>mesh</c> program: every <see cref="IMeshCommand"/> in this assembly.</summary>
internal static class MeshCommands
{
    /// <summary>Creates a fresh instance of every subcommand, ordered by name for a stable <c>--help</c>.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Command types are kept: the program is not trimmed.")]
    public static IEnumerable<Command> All() =>
        typeof(MeshCommands).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IMeshCommand).IsAssignableFrom(type))
            .Select(type => ((IMeshCommand)Activator.CreateInstance(type)!).Create())
            .OrderBy(command => command.Name, StringComparer.Ordinal);
}
