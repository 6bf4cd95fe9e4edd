using System.CommandLine;
using Mesh.Peer.Config;

namespace Mesh.Peer.Cli;

/// <summary><c>mesh folder add --id ID --path PATH</c> and <c>mesh folder list</c>: the folders in config.toml.</summary>
internal sealed class FolderCommand : IMeshCommand
{
    /// <inheritdoc/>
    public Command Create()
    {
        var command = new Command("folder", "Add or list the folders this device syncs (restart the daemon to apply).");
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateList());
        return command;
    }

    /// <summary>Adds a folder after checking its ID and path; creates the path when missing.</summary>
    internal static async Task<int> AddAsync(MeshHome home, string id, string path, TextWriter output, TextWriter error)
    {
        var config = await ConfigFile.LoadAsync(home, "folder add", error).ConfigureAwait(false);
        if (config is null)
        {
            return 1;
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (config.FindFolder(id) is { } existing)
        {
            await error.WriteLineAsync($"mesh folder add: folder id '{id}' is already used (for {existing.Path})").ConfigureAwait(false);
            return 1;
        }

        var overlap = config.Folders.FirstOrDefault(f => IsSameOrInside(full, f.Path) || IsSameOrInside(f.Path, full));
        if (overlap is not null)
        {
            await error.WriteLineAsync($"mesh folder add: {full} overlaps folder '{overlap.Id}' ({overlap.Path}); folders may not nest").ConfigureAwait(false);
            return 1;
        }

        if (IsSameOrInside(home.Directory, full) || IsSameOrInside(full, home.Directory))
        {
            await error.WriteLineAsync($"mesh folder add: {full} overlaps the home folder {home.Directory}").ConfigureAwait(false);
            return 1;
        }

        if (File.Exists(full))
        {
            await error.WriteLineAsync($"mesh folder add: {full} is a file, not a folder").ConfigureAwait(false);
            return 1;
        }

        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            await error.WriteLineAsync($"mesh folder add: cannot create {full}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        try
        {
            ConfigEditor.AddFolder(home.ConfigPath, new FolderConfig(id, full));
        }
        catch (ConfigException e)
        {
            await error.WriteLineAsync($"mesh folder add: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await output.WriteLineAsync($"added folder {id} at {full}").ConfigureAwait(false);
        return 0;
    }

    private static bool IsSameOrInside(string path, string folder) =>
        string.Equals(path, folder, StringComparison.Ordinal) ||
        path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static Command CreateAdd()
    {
        var home = HomeOption.Create();
        var id = new Option<string>("--id") { Description = "The folder ID; the same on every device that shares it.", Required = true };
        id.Validators.Add(result =>
        {
            if (!FolderIdRules.IsValid(result.GetValueOrDefault<string>() ?? string.Empty, out var problem))
            {
                result.AddError(problem);
            }
        });
        var path = new Option<string>("--path") { Description = "Where the folder is on this device (created if missing).", Required = true };
        var command = new Command("add", "Add a folder to sync.");
        command.Options.Add(id);
        command.Options.Add(path);
        command.Options.Add(home);
        command.SetAction(async (parseResult, ct) =>
            await AddAsync(
                HomeOption.Resolve(parseResult, home),
                parseResult.GetValue(id)!,
                parseResult.GetValue(path)!,
                parseResult.InvocationConfiguration.Output,
                parseResult.InvocationConfiguration.Error).ConfigureAwait(false));
        return command;
    }

    private static Command CreateList()
    {
        var home = HomeOption.Create();
        var command = new Command("list", "List the folders: ID, then path.");
        command.Options.Add(home);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var config = await ConfigFile.LoadAsync(HomeOption.Resolve(parseResult, home), "folder list", parseResult.InvocationConfiguration.Error).ConfigureAwait(false);
            if (config is null)
            {
                return 1;
            }

            foreach (var folder in config.Folders)
            {
                await output.WriteLineAsync($"{folder.Id}\t{folder.Path}").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
