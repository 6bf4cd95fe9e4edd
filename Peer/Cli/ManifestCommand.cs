using System.CommandLine;
using Mesh.Chunking;

namespace Mesh.Peer.Cli;

/// <summary><c>mesh manifest &lt;file&gt; [--json]</c>: chunks and hashes one file and prints its manifest.</summary>
internal sealed class ManifestCommand : IMeshCommand
{
    /// <summary>
    /// Block size of the pipeline for this one-shot command: twice the daemon's 2 MiB. Half the block
    /// seams means half the chunks cut and hashed twice there, 0.05 CPU-s less per GiB, for about 14 MiB
    /// more peak memory that the process gives back when it exits (docs/chunking.md, session 5). The
    /// daemon keeps its smaller blocks, whose buffers stay pooled for its whole life.
    /// </summary>
    internal const int BlockSize = 4 * 1024 * 1024;

    /// <inheritdoc/>
    public Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The file to chunk and hash." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var chunker = new Option<uint>("--chunker")
        {
            Description = $"Chunker parameter set id (default {ChunkerParameters.Default.Id}; known: {string.Join(", ", ChunkerParameters.All.Select(p => p.Id))}).",
            DefaultValueFactory = _ => ChunkerParameters.Default.Id,
        };
        chunker.Validators.Add(result =>
        {
            if (!ChunkerParameters.TryFromId(result.GetValueOrDefault<uint>(), out _))
            {
                result.AddError($"unknown chunker parameter set id {result.GetValueOrDefault<uint>()}");
            }
        });
        var command = new Command("manifest", "Print a file's content-defined chunks, their hashes and the file hash.");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.Options.Add(chunker);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var info = parseResult.GetValue(file)!;
            var asJson = parseResult.GetValue(json);
            var parameters = ChunkerParameters.FromId(parseResult.GetValue(chunker));
            return await RunAsync(info.FullName, info.ToString(), parameters, asJson, output, error, ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Builds and prints the manifest; returns the exit code.</summary>
    internal static async Task<int> RunAsync(string path, string shownName, ChunkerParameters parameters, bool asJson, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (Directory.Exists(path))
        {
            await error.WriteLineAsync($"mesh manifest: {shownName}: is a directory, not a file").ConfigureAwait(false);
            return 1;
        }

        Mesh.Proto.FileManifest manifest;
        try
        {
            manifest = await ManifestBuilder.BuildAsync(path, parameters, BlockSize, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            await error.WriteLineAsync($"mesh manifest: {shownName}: no such file").ConfigureAwait(false);
            return 1;
        }
        catch (UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"mesh manifest: {shownName}: permission denied").ConfigureAwait(false);
            return 1;
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"mesh manifest: {shownName}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        // One write of the whole text: a console writer flushes on every call, which costs more than
        // the formatting for files with tens of thousands of chunks.
        var text = asJson ? ManifestJson.Format(shownName, manifest) : ManifestTable.Format(shownName, manifest);
        await output.WriteAsync(text).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
        return 0;
    }
}
