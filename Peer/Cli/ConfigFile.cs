using Mesh.Peer.Config;

namespace Mesh.Peer.Cli;

/// <summary>Loads a home's configuration for a command, turning a bad or missing file into a message and exit code 1.</summary>
internal static class ConfigFile
{
    /// <summary>The configuration, or null after writing why not to <paramref name="error"/>.</summary>
    public static async Task<MeshConfig?> LoadAsync(MeshHome home, string command, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(error);
        if (!home.IsInitialised)
        {
            await error.WriteLineAsync($"mesh {command}: {home.Directory} has no config.toml; run 'mesh init --home {home.Directory}' first").ConfigureAwait(false);
            return null;
        }

        try
        {
            return ConfigReader.Read(home.ConfigPath);
        }
        catch (ConfigException e)
        {
            await error.WriteLineAsync($"mesh {command}: {e.Message}").ConfigureAwait(false);
            return null;
        }
    }
}
