using Mesh.Peer.Cli;

namespace Mesh.Peer.Tests.Cli;

public sealed class MeshCommandsTests
{
    [Fact]
    public void Every_command_class_is_listed_under_the_name_of_the_command_it_builds()
    {
        var classes = typeof(MeshCommands).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IMeshCommand).IsAssignableFrom(type))
            .ToHashSet();

        var listed = MeshCommands.Names.Select(name => (Name: name, Command: MeshCommands.Find(name))).ToList();

        Assert.All(listed, entry => Assert.NotNull(entry.Command));
        Assert.All(listed, entry => Assert.Equal(entry.Name, entry.Command!.Create().Name));
        Assert.Equal(classes, listed.Select(entry => entry.Command!.GetType()).ToHashSet());
        Assert.Equal(MeshCommands.Names.Count, classes.Count);
        Assert.Equal(MeshCommands.Names.Order(StringComparer.Ordinal), MeshCommands.Names);
    }

    [Fact]
    public async Task Root_help_lists_every_command()
    {
        var (code, output, _) = await MeshCli.RunAsync("--help");

        Assert.Equal(0, code);
        Assert.All(MeshCommands.Names, name => Assert.Contains($"  {name} ", output, StringComparison.Ordinal));
    }

    [Fact]
    public void Invoking_a_command_builds_only_that_command()
    {
        var root = MeshProgram.CreateRoot(["manifest", "some-file"]);

        Assert.Equal(["manifest"], root.Subcommands.Select(command => command.Name));
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("manifets")]
    [InlineData("--version")]
    public void Anything_but_a_command_name_first_builds_every_command(params string[] args)
    {
        var root = MeshProgram.CreateRoot(args);

        Assert.Equal(MeshCommands.Names, root.Subcommands.Select(command => command.Name));
    }

    [Fact]
    public async Task A_mistyped_command_is_a_usage_error_naming_it()
    {
        var (code, _, error) = await MeshCli.RunAsync("manifets", "x");

        Assert.Equal(MeshProgram.UsageError, code);
        Assert.Contains("manifets", error, StringComparison.Ordinal);
    }
}
