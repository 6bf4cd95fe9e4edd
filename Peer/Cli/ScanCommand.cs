using System.CommandLine;
using Mesh.Peer.Control;
using Mesh.Peer.Daemon;

namespace Mesh.Peer.Cli;

/// <summary>
/// <c>mesh scan [--folder ID] [--path SUBPATH…] [--home DIR]</c>: asks the running daemon to rescan now (what
/// the watcher would ask for, without its delay) and returns once the scan is done. Several paths are
/// scanned as one scan, so a rename from one to another is recorded as a rename.
/// </summary>
internal sealed class ScanCommand : IMeshCommand
{
    /// <inheritdoc/>
    public Command Create()
    {
        var home = HomeOption.Create();
        var folder = new Option<string?>("--folder") { Description = "The folder to scan (default: every folder)." };
        var path = new Option<string[]>("--path")
        {
            Description = "Only this path: relative to the folder, or absolute inside it. May be given more than once " +
                "(or with several values); the paths are scanned together, so a rename between them is seen as one.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("scan", "Ask the running daemon to rescan now; returns when the scan is done.");
        command.Options.Add(folder);
        command.Options.Add(path);
        command.Options.Add(home);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var socket = HomeOption.Resolve(parseResult, home).ControlSocketPath;
            ControlResponse response;
            try
            {
                response = await ControlClient.SendAsync(socket, new ControlRequest(ControlRequest.Scan, parseResult.GetValue(folder), Paths: parseResult.GetValue(path) ?? []), ct).ConfigureAwait(false);
            }
            catch (ControlUnavailableException e)
            {
                await error.WriteLineAsync($"mesh scan: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            if (!response.Ok)
            {
                await error.WriteLineAsync($"mesh scan: {response.Error}").ConfigureAwait(false);
                return 1;
            }

            foreach (var scan in response.Scans ?? [])
            {
                var where = scan.Paths switch
                {
                    null => scan.Folder,
                    [var one] => $"{scan.Folder}/{one}",
                    var several => $"{scan.Folder}/{{{string.Join(", ", several)}}}",
                };
                await output.WriteLineAsync($"scanned {where}: {scan.Examined} entries, {scan.Changed} changes, {ByteSize.Format(scan.HashedBytes)} hashed").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
