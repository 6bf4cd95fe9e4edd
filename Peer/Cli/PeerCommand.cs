using System.CommandLine;
using Mesh.Peer.Config;
using Mesh.Peer.Identity;

namespace Mesh.Peer.Cli;

/// <summary>
/// <c>mesh peer add --device-id ID --address tcp://HOST:PORT --folder ID [--folder ID…]</c> and
/// <c>mesh peer list</c>: the devices in config.toml.
/// </summary>
internal sealed class PeerCommand : IMeshCommand
{
    /// <inheritdoc/>
    public Command Create()
    {
        var command = new Command("peer", "Add or list the devices this one syncs with (restart the daemon to apply).");
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateList());
        return command;
    }

    /// <summary>Adds a peer after checking it is not this device, not listed yet, and shares only known folders.</summary>
    internal static async Task<int> AddAsync(MeshHome home, DeviceId device, TcpAddress address, IReadOnlyList<string> folders, TextWriter output, TextWriter error)
    {
        var config = await ConfigFile.LoadAsync(home, "peer add", error).ConfigureAwait(false);
        if (config is null)
        {
            return 1;
        }

        var keyPath = Path.Combine(home.Directory, DeviceIdentity.KeyFileName);
        if (File.Exists(keyPath))
        {
            using var identity = DeviceIdentity.LoadOrCreate(home.Directory);
            if (identity.Id == device)
            {
                await error.WriteLineAsync($"mesh peer add: {device} is this device's own ID").ConfigureAwait(false);
                return 1;
            }
        }

        if (config.Peers.Any(p => p.DeviceId == device))
        {
            await error.WriteLineAsync($"mesh peer add: peer {device} is already listed").ConfigureAwait(false);
            return 1;
        }

        foreach (var folder in folders)
        {
            if (config.FindFolder(folder) is null)
            {
                var known = config.Folders.Count == 0 ? "none yet; add one with 'mesh folder add'" : string.Join(", ", config.Folders.Select(f => f.Id));
                await error.WriteLineAsync($"mesh peer add: no folder '{folder}' in {home.ConfigPath} (known: {known})").ConfigureAwait(false);
                return 1;
            }
        }

        try
        {
            ConfigEditor.AddPeer(home.ConfigPath, new PeerConfig(device, address, folders.Distinct(StringComparer.Ordinal).ToList()));
        }
        catch (ConfigException e)
        {
            await error.WriteLineAsync($"mesh peer add: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await output.WriteLineAsync($"added peer {device} at {address} sharing {string.Join(", ", folders)}").ConfigureAwait(false);
        return 0;
    }

    private static Command CreateAdd()
    {
        var home = HomeOption.Create();
        var deviceId = new Option<string>("--device-id") { Description = "The peer's device ID (as 'mesh id' prints it there).", Required = true };
        deviceId.Validators.Add(result =>
        {
            if (!DeviceId.TryParse(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError($"'{result.GetValueOrDefault<string>()}' is not a valid device ID (mistyped, or its check characters do not match)");
            }
        });
        var address = new Option<string>("--address") { Description = "Where the peer listens: tcp://HOST:PORT.", Required = true };
        address.Validators.Add(result =>
        {
            if (!TcpAddress.TryParse(result.GetValueOrDefault<string>(), out var parsed, out var problem))
            {
                result.AddError(problem);
            }
            else if (parsed.Port == 0)
            {
                result.AddError($"{parsed}: a peer address needs a port other than 0");
            }
        });
        var folder = new Option<string[]>("--folder") { Description = "A folder ID to share with the peer; repeat for more.", Required = true, AllowMultipleArgumentsPerToken = false };
        var command = new Command("add", "Add a peer device and the folders shared with it (a folder syncs only when both sides list it).");
        command.Options.Add(deviceId);
        command.Options.Add(address);
        command.Options.Add(folder);
        command.Options.Add(home);
        command.SetAction(async (parseResult, ct) =>
            await AddAsync(
                HomeOption.Resolve(parseResult, home),
                DeviceId.Parse(parseResult.GetValue(deviceId)!),
                TcpAddress.Parse(parseResult.GetValue(address)!),
                parseResult.GetValue(folder)!,
                parseResult.InvocationConfiguration.Output,
                parseResult.InvocationConfiguration.Error).ConfigureAwait(false));
        return command;
    }

    private static Command CreateList()
    {
        var home = HomeOption.Create();
        var command = new Command("list", "List the peers: device ID, address, shared folders.");
        command.Options.Add(home);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var config = await ConfigFile.LoadAsync(HomeOption.Resolve(parseResult, home), "peer list", parseResult.InvocationConfiguration.Error).ConfigureAwait(false);
            if (config is null)
            {
                return 1;
            }

            foreach (var peer in config.Peers)
            {
                await output.WriteLineAsync($"{peer.DeviceId}\t{peer.Address}\t{string.Join(",", peer.Folders)}").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
