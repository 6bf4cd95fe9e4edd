using System.Diagnostics;

namespace Mesh.Integration.Daemon;

/// <summary>
/// Runs the real <c>mesh</c> program (the Peer project's output, copied beside the tests by the project
/// reference) as a separate process, the way a person or a script would.
/// </summary>
internal static class MeshCli
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "mesh.dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The tests pass --home everywhere; a stray MESH_HOME from the caller's shell must not win over it or leak in.
        start.Environment.Remove("MESH_HOME");
        return start;
    }

    /// <summary>Runs one command to its end; a command that outlives the timeout is killed and reported.</summary>
    public static async Task<CliResult> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        return await ProcessRun.RunAsync(StartInfo(arguments), timeout, $"mesh {string.Join(' ', arguments)}");
    }

    /// <summary>Runs a command that must succeed and returns its standard output.</summary>
    public static async Task<string> RunOkAsync(params string[] arguments)
    {
        var result = await RunAsync(TimeSpan.FromSeconds(60), arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"mesh {string.Join(' ', arguments)} failed: {result}");
        }

        return result.Output;
    }
}
