using System.Diagnostics;
using Mesh.TestSupport;

namespace Mesh.Integration.Nat;

/// <summary>
/// The NAT namespaces that scripts/harness/services/50-netns.sh built, read from MESH_TEST_NETNS_*;
/// skips the test without them (fails it under CI), and runs the built <c>mesh</c> inside one.
/// </summary>
internal static class NatNamespaces
{
    public static string Require(string suffix)
    {
        var name = "MESH_TEST_NETNS_" + suffix;
        var value = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        var message = $"{name} is not set: run the tests through ./test.sh as root, which builds the NAT namespaces.";
        if (TestServers.IsCi)
        {
            throw new InvalidOperationException(message);
        }

        Skip.If(true, message);
        throw new InvalidOperationException(message);
    }

    /// <summary>Runs <c>mesh ARGS</c> inside namespace <paramref name="ns"/>; returns exit code, stdout and stderr.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunMeshAsync(string ns, TimeSpan timeout, params string[] arguments)
    {
        var mesh = Path.Combine(AppContext.BaseDirectory, "mesh.dll");
        var dotnet = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "netns", "exec", ns, dotnet, mesh }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var result = await ProcessRun.RunAsync(start, timeout, $"mesh {string.Join(' ', arguments)} in {ns}");
        return (result.ExitCode, result.Output, result.Error);
    }
}
