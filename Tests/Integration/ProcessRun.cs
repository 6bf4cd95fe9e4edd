using System.Diagnostics;
using Mesh.Integration.Daemon;

namespace Mesh.Integration;

/// <summary>Runs a child process to its end and collects what it printed.</summary>
internal static class ProcessRun
{
    /// <summary>
    /// Starts <paramref name="start"/> (closing its standard input when redirected), waits for it and
    /// returns its exit code and output; one that outlives <paramref name="timeout"/> is killed with
    /// its children and reported as <paramref name="what"/>.
    /// </summary>
    public static async Task<CliResult> RunAsync(ProcessStartInfo start, TimeSpan timeout, string what)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        if (start.RedirectStandardInput)
        {
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} did not finish within {timeout}");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }
}
