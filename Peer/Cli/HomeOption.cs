using System.CommandLine;
using Mesh.Peer.Config;

namespace Mesh.Peer.Cli;

/// <summary>The <c>--home DIR</c> option every device command takes, and how it resolves.</summary>
internal static class HomeOption
{
    /// <summary>A new <c>--home</c> option (an option object belongs to one command).</summary>
    public static Option<string?> Create() => new("--home")
    {
        Description = $"The device's home folder (default: ${MeshHome.EnvironmentVariable}, else $XDG_CONFIG_HOME/mesh, else ~/.config/mesh).",
    };

    /// <summary>The home chosen by the option, the environment or the default.</summary>
    public static MeshHome Resolve(ParseResult parseResult, Option<string?> option) =>
        MeshHome.Resolve(parseResult.GetValue(option));
}
