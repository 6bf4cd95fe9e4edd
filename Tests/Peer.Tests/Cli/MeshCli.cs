using System.CommandLine;
using Mesh.Peer.Cli;

namespace Mesh.Peer.Tests.Cli;

/// <summary>Runs the real <c>mesh</c> command line in-process and captures its exit code, stdout and stderr.</summary>
internal static class MeshCli
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MeshProgram.RunAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
