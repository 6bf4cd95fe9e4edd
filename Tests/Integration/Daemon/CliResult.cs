namespace Mesh.Integration.Daemon;

/// <summary>What one finished <c>mesh</c> command printed and how it exited.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
