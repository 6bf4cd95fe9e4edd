using Mesh.Peer.Config;
using Mesh.Peer.Identity;
using Mesh.Peer.Tests.Config;

namespace Mesh.Peer.Tests.Cli;

public sealed class InitCommandTests
{
    [Fact]
    public async Task Init_creates_an_owner_only_key_and_a_config_and_prints_the_device_id()
    {
        using var temp = new TempFolder();
        var home = temp.Combine("home");

        var (code, output, _) = await MeshCli.RunAsync("init", "--home", home, "--name", "laptop");

        Assert.Equal(0, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(DeviceId.TryParse(line, out var id));
        Assert.Equal(FileModes.OwnerReadWrite, FileModes.Of(Path.Combine(home, DeviceIdentity.KeyFileName)));
        Assert.Equal(FileModes.OwnerAll, FileModes.Of(home));
        var config = ConfigReader.Read(Path.Combine(home, "config.toml"));
        Assert.Equal("laptop", config.Name);
        using var identity = DeviceIdentity.LoadOrCreate(home);
        Assert.Equal(identity.Id, id);
    }

    [Fact]
    public async Task Id_prints_only_the_same_id_on_one_line()
    {
        using var temp = new TempFolder();
        var (_, initOutput, _) = await MeshCli.RunAsync("init", "--home", temp.Path);

        var (code, output, error) = await MeshCli.RunAsync("id", "--home", temp.Path);

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Equal(initOutput, output);
        Assert.Matches("^([A-Z2-7]{7}-){7}[A-Z2-7]{7}\n$", output);
    }

    [Fact]
    public async Task Init_again_keeps_the_identity()
    {
        using var temp = new TempFolder();
        var (_, first, _) = await MeshCli.RunAsync("init", "--home", temp.Path);

        var (code, second, _) = await MeshCli.RunAsync("init", "--home", temp.Path, "--name", "renamed");

        Assert.Equal(0, code);
        Assert.Equal(first, second);
        Assert.Equal("renamed", ConfigReader.Read(Path.Combine(temp.Path, "config.toml")).Name);
    }

    [Fact]
    public async Task Id_without_init_fails_and_creates_nothing()
    {
        using var temp = new TempFolder();
        var home = temp.Combine("none");

        var (code, output, error) = await MeshCli.RunAsync("id", "--home", home);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("mesh init", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(home));
    }

    [Fact]
    public async Task Init_with_a_bad_listen_address_is_a_usage_error()
    {
        using var temp = new TempFolder();

        var (code, _, error) = await MeshCli.RunAsync("init", "--home", temp.Path, "--listen", "localhost:80");

        Assert.Equal(2, code);
        Assert.Contains("tcp://HOST:PORT", error, StringComparison.Ordinal);
    }
}
