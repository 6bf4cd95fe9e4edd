using System.CommandLine;
using Mesh.Peer.Identity;

namespace Mesh.Peer.Cli;

/// <summary><c>mesh id [--home DIR]</c>: prints this device's ID alone on one line, for scripts.</summary>
internal sealed class IdCommand : IMeshCommand
{
    /// <inheritdoc/>
    public Command Create()
    {
        var home = HomeOption.Create();
        var command = new Command("id", "Print this device's ID on one line.");
        command.Options.Add(home);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var resolved = HomeOption.Resolve(parseResult, home);
            if (!File.Exists(Path.Combine(resolved.Directory, DeviceIdentity.KeyFileName)))
            {
                // Reading must not create a key behind the user's back: that is what init is for.
                await error.WriteLineAsync($"mesh id: {resolved.Directory} has no device key; run 'mesh init --home {resolved.Directory}' first").ConfigureAwait(false);
                return 1;
            }

            try
            {
                using var identity = DeviceIdentity.LoadOrCreate(resolved.Directory);
                await output.WriteLineAsync(identity.Id.ToString()).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                await error.WriteLineAsync($"mesh id: {resolved.Directory}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
