namespace Mesh.Peer.Tests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_syncs_a_small_tree_and_an_edit_and_cleans_up()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "mesh-demo-*").ToHashSet();

        var (code, output, error) = await MeshCli.RunAsync("demo", "--files", "12", "--megabytes", "1", "--timeout", "120");

        Assert.True(code == 0, output + error);
        Assert.Contains("every file's SHA-256 matches", output, StringComparison.Ordinal);
        Assert.Contains("Bob has the edit", output, StringComparison.Ordinal);
        Assert.Subset(before, Directory.GetDirectories(Path.GetTempPath(), "mesh-demo-*").ToHashSet());
    }
}
