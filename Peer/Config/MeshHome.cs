namespace Mesh.Peer.Config;

/// <summary>
/// A device's home folder: its key, its <c>config.toml</c>, its index and the daemon's control socket.
/// Chosen by <c>--home</c>, else <c>MESH_HOME</c>, else <c>$XDG_CONFIG_HOME/mesh</c>, else
/// <c>~/.config/mesh</c>.
/// </summary>
internal sealed class MeshHome
{
    /// <summary>The environment variable that overrides the default home.</summary>
    public const string EnvironmentVariable = "MESH_HOME";

    /// <summary>Uses <paramref name="directory"/> (made absolute) as the home.</summary>
    public MeshHome(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>Absolute path of the home folder.</summary>
    public string Directory { get; }

    /// <summary>The human-edited configuration.</summary>
    public string ConfigPath => Path.Combine(Directory, "config.toml");

    /// <summary>The SQLite index of every folder.</summary>
    public string IndexPath => Path.Combine(Directory, "index.db");

    /// <summary>The Unix domain socket the running daemon answers <c>status</c> and <c>scan</c> on.</summary>
    public string ControlSocketPath => Path.Combine(Directory, "control.sock");

    /// <summary>Whether <c>mesh init</c> has run here.</summary>
    public bool IsInitialised => File.Exists(ConfigPath);

    /// <summary>Picks the home from the option, the environment, or the XDG default, in that order.</summary>
    public static MeshHome Resolve(string? option, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(option))
        {
            return new MeshHome(option);
        }

        var fromEnvironment = environment(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return new MeshHome(fromEnvironment);
        }

        // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
        var xdg = environment("XDG_CONFIG_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return new MeshHome(Path.Combine(xdg, "mesh"));
        }

        var userHome = environment("HOME");
        if (string.IsNullOrEmpty(userHome))
        {
            userHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return new MeshHome(Path.Combine(userHome, ".config", "mesh"));
    }

    /// <summary>Resolves the home against the process environment.</summary>
    public static MeshHome Resolve(string? option) => Resolve(option, Environment.GetEnvironmentVariable);
}
