using System.CommandLine;
using Mesh.Peer.Config;
using Mesh.Peer.Identity;

namespace Mesh.Peer.Cli;

/// <summary>
/// <c>mesh init [--home DIR] [--name NAME] [--listen tcp://HOST:PORT]</c>: creates the device key and
/// <c>config.toml</c> and prints the device ID. Running it again keeps both and prints the same ID.
/// </summary>
internal sealed class InitCommand : IMeshCommand
{
    /// <inheritdoc/>
    public Command Create()
    {
        var home = HomeOption.Create();
        var name = new Option<string?>("--name") { Description = "The device name announced to peers (default: the host name)." };
        var listen = new Option<string?>("--listen") { Description = $"Where the daemon listens (default {MeshConfig.DefaultListen})." };
        listen.Validators.Add(result =>
        {
            if (!TcpAddress.TryParse(result.GetValueOrDefault<string?>(), out _, out var problem))
            {
                result.AddError(problem);
            }
        });
        var command = new Command("init", "Create this device's identity and config.toml, and print its device ID.");
        command.Options.Add(home);
        command.Options.Add(name);
        command.Options.Add(listen);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var listenText = parseResult.GetValue(listen);
            return await RunAsync(
                HomeOption.Resolve(parseResult, home),
                parseResult.GetValue(name),
                listenText is null ? null : TcpAddress.Parse(listenText),
                output,
                error).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Creates what is missing and prints the ID on stdout (and what happened on stderr).</summary>
    internal static async Task<int> RunAsync(MeshHome home, string? name, TcpAddress? listen, TextWriter output, TextWriter error)
    {
        DeviceId id;
        try
        {
            using var identity = DeviceIdentity.LoadOrCreate(home.Directory);
            id = identity.Id;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            await error.WriteLineAsync($"mesh init: {home.Directory}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        if (home.IsInitialised)
        {
            try
            {
                // Read even when nothing changes: a broken config.toml is reported now, not at 'mesh run'.
                ConfigReader.Read(home.ConfigPath);
                if (name is not null || listen is not null)
                {
                    ConfigEditor.SetTopLevel(home.ConfigPath, name, listen);
                }
            }
            catch (ConfigException e)
            {
                await error.WriteLineAsync($"mesh init: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            await error.WriteLineAsync($"mesh init: {home.Directory} was already set up; kept its key and config.toml").ConfigureAwait(false);
        }
        else
        {
            var config = MeshConfig.CreateDefault(name ?? Environment.MachineName);
            ConfigWriter.Write(home.ConfigPath, listen is null ? config : config with { Listen = listen });
            await error.WriteLineAsync($"mesh init: created {home.ConfigPath}").ConfigureAwait(false);
        }

        // The ID alone on stdout, so scripts can capture it; everything else went to stderr.
        await output.WriteLineAsync(id.ToString()).ConfigureAwait(false);
        return 0;
    }
}
