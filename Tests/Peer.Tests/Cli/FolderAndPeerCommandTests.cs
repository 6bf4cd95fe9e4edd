using Mesh.Peer.Config;
using Mesh.Peer.Identity;

namespace Mesh.Peer.Tests.Cli;

public sealed class FolderAndPeerCommandTests : IDisposable
{
    private static readonly string OtherDevice = DeviceIdentity.CreateEphemeral().Id.ToString();
    private readonly TempFolder _temp = new();

    public FolderAndPeerCommandTests()
    {
        Home = _temp.Combine("home");
        var (code, output, _) = MeshCli.RunAsync("init", "--home", Home).GetAwaiter().GetResult();
        Assert.Equal(0, code);
        OwnId = output.Trim();
    }

    private string Home { get; }

    private string OwnId { get; }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Folder_add_creates_the_path_and_list_shows_it()
    {
        var path = _temp.Combine("data", "docs");

        var (code, _, _) = await MeshCli.RunAsync("folder", "add", "--id", "docs", "--path", path, "--home", Home);
        var (listCode, list, _) = await MeshCli.RunAsync("folder", "list", "--home", Home);

        Assert.Equal(0, code);
        Assert.True(Directory.Exists(path));
        Assert.Equal(0, listCode);
        Assert.Equal($"docs\t{path}\n", list);
    }

    [Fact]
    public async Task A_duplicate_folder_id_fails_with_1()
    {
        await MeshCli.RunAsync("folder", "add", "--id", "docs", "--path", _temp.Combine("a"), "--home", Home);

        var (code, _, error) = await MeshCli.RunAsync("folder", "add", "--id", "docs", "--path", _temp.Combine("b"), "--home", Home);

        Assert.Equal(1, code);
        Assert.Contains("already used", error, StringComparison.Ordinal);
        Assert.Single(ConfigReader.Read(Path.Combine(Home, "config.toml")).Folders);
    }

    [Fact]
    public async Task Nested_folders_and_a_file_path_fail_with_1()
    {
        await MeshCli.RunAsync("folder", "add", "--id", "docs", "--path", _temp.Combine("a"), "--home", Home);
        File.WriteAllText(_temp.Combine("file"), "x");

        Assert.Equal(1, (await MeshCli.RunAsync("folder", "add", "--id", "inner", "--path", _temp.Combine("a", "b"), "--home", Home)).Code);
        Assert.Equal(1, (await MeshCli.RunAsync("folder", "add", "--id", "f", "--path", _temp.Combine("file"), "--home", Home)).Code);
    }

    [Fact]
    public async Task A_bad_folder_id_or_a_missing_option_is_a_usage_error()
    {
        Assert.Equal(2, (await MeshCli.RunAsync("folder", "add", "--id", "has space", "--path", _temp.Combine("a"), "--home", Home)).Code);
        Assert.Equal(2, (await MeshCli.RunAsync("folder", "add", "--id", "x", "--home", Home)).Code);
    }

    [Fact]
    public async Task Peer_add_stores_the_peer_and_list_shows_it()
    {
        await MeshCli.RunAsync("folder", "add", "--id", "docs", "--path", _temp.Combine("a"), "--home", Home);
        await MeshCli.RunAsync("folder", "add", "--id", "pics", "--path", _temp.Combine("b"), "--home", Home);

        var (code, _, error) = await MeshCli.RunAsync("peer", "add", "--device-id", OtherDevice.ToLowerInvariant(), "--address", "tcp://127.0.0.1:22201", "--folder", "docs", "--folder", "pics", "--home", Home);
        var (_, list, _) = await MeshCli.RunAsync("peer", "list", "--home", Home);

        Assert.True(code == 0, error);
        Assert.Equal($"{OtherDevice}\ttcp://127.0.0.1:22201\tdocs,pics\n", list);
    }

    [Fact]
    public async Task Peer_add_with_an_unknown_folder_fails_with_1_and_changes_nothing()
    {
        var before = File.ReadAllText(Path.Combine(Home, "config.toml"));

        var (code, _, error) = await MeshCli.RunAsync("peer", "add", "--device-id", OtherDevice, "--address", "tcp://127.0.0.1:1", "--folder", "nope", "--home", Home);

        Assert.Equal(1, code);
        Assert.Contains("no folder 'nope'", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(Home, "config.toml")));
    }

    [Fact]
    public async Task Peer_add_refuses_this_device_and_a_duplicate_with_1()
    {
        await MeshCli.RunAsync("folder", "add", "--id", "docs", "--path", _temp.Combine("a"), "--home", Home);
        Assert.Equal(0, (await MeshCli.RunAsync("peer", "add", "--device-id", OtherDevice, "--address", "tcp://h:1", "--folder", "docs", "--home", Home)).Code);

        Assert.Equal(1, (await MeshCli.RunAsync("peer", "add", "--device-id", OtherDevice, "--address", "tcp://h:2", "--folder", "docs", "--home", Home)).Code);
        Assert.Equal(1, (await MeshCli.RunAsync("peer", "add", "--device-id", OwnId, "--address", "tcp://h:2", "--folder", "docs", "--home", Home)).Code);
    }

    [Fact]
    public async Task A_mistyped_device_id_or_address_is_a_usage_error()
    {
        await MeshCli.RunAsync("folder", "add", "--id", "docs", "--path", _temp.Combine("a"), "--home", Home);
        var typo = OtherDevice[..^1] + (OtherDevice[^1] == 'A' ? 'B' : 'A');

        var (code, _, error) = await MeshCli.RunAsync("peer", "add", "--device-id", typo, "--address", "tcp://h:1", "--folder", "docs", "--home", Home);

        Assert.Equal(2, code);
        Assert.Contains("not a valid device ID", error, StringComparison.Ordinal);
        Assert.Equal(2, (await MeshCli.RunAsync("peer", "add", "--device-id", OtherDevice, "--address", "h:1", "--folder", "docs", "--home", Home)).Code);
        Assert.Equal(2, (await MeshCli.RunAsync("peer", "add", "--device-id", OtherDevice, "--address", "tcp://h:1", "--home", Home)).Code);
    }

    [Fact]
    public async Task A_bad_config_is_reported_with_file_and_line_and_exit_1()
    {
        File.AppendAllText(Path.Combine(Home, "config.toml"), "\n[[folder]]\nid = \"x\"\npath = 5\n");
        var lines = File.ReadAllLines(Path.Combine(Home, "config.toml")).Length;

        var (code, _, error) = await MeshCli.RunAsync("folder", "list", "--home", Home);

        Assert.Equal(1, code);
        Assert.Contains($"config.toml:{lines}: ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("folder", "add")]
    [InlineData("folder", "list")]
    [InlineData("peer", "add")]
    [InlineData("peer", "list")]
    public async Task Every_subcommand_has_help(string command, string sub)
    {
        var (code, output, _) = await MeshCli.RunAsync(command, sub, "--help");

        Assert.Equal(0, code);
        Assert.Contains("--home", output, StringComparison.Ordinal);
    }
}
