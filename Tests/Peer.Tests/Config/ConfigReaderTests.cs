using Mesh.Peer.Config;
using Mesh.Peer.Identity;

namespace Mesh.Peer.Tests.Config;

public sealed class ConfigReaderTests
{
    private static readonly DeviceId PeerId = DeviceIdentity.CreateEphemeral().Id;

    [Fact]
    public void Written_config_reads_back_equal()
    {
        var config = new MeshConfig(
            "laptop \"one\" \\ ü",
            new TcpAddress("::1", 22201),
            [new FolderConfig("docs", "/home/me/Docs"), new FolderConfig("photos.2024", "/srv/photos")],
            [new PeerConfig(PeerId, new TcpAddress("192.168.1.5", 22200), ["docs", "photos.2024"])]);

        var read = ConfigReader.Parse(ConfigWriter.Format(config), "config.toml");

        Assert.Equal(config.Name, read.Name);
        Assert.Equal(config.Listen, read.Listen);
        Assert.Equal(config.Folders, read.Folders);
        var peer = Assert.Single(read.Peers);
        Assert.Equal(PeerId, peer.DeviceId);
        Assert.Equal(new TcpAddress("192.168.1.5", 22200), peer.Address);
        Assert.Equal(["docs", "photos.2024"], peer.Folders);
    }

    [Fact]
    public void Write_replaces_the_file_and_leaves_no_temporary_file()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("config.toml");
        File.WriteAllText(path, "old");

        ConfigWriter.Write(path, MeshConfig.CreateDefault("x"));

        Assert.Equal("x", ConfigReader.Read(path).Name);
        Assert.Equal(["config.toml"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        Assert.Equal(FileModes.OwnerReadWrite, FileModes.Of(path));
    }

    [Fact]
    public void Missing_keys_take_defaults()
    {
        var config = ConfigReader.Parse("# nothing\n", "c.toml");

        Assert.Equal(MeshConfig.DefaultListen, config.Listen);
        Assert.Empty(config.Folders);
        Assert.Empty(config.Peers);
    }

    [Theory]
    [InlineData("name = \"a\"\nlisten = \n", 2, "expecting a value")]
    [InlineData("name = \"a\"\nlisten = \"http://x:1\"\n", 2, "tcp://HOST:PORT")]
    [InlineData("name = \"a\"\nlisten = \"tcp://x:99999\"\n", 2, "port")]
    [InlineData("name = \"a\"\n\nnmae = \"b\"\n", 3, "unknown key 'nmae'")]
    [InlineData("name = 5\n", 1, "string")]
    [InlineData("name = \"a\"\nname = \"b\"\n", 2, "set twice")]
    [InlineData("[folder]\nid = \"a\"\n", 1, "[[folder]]")]
    [InlineData("[[folder]]\nid = \"a\"\n", 1, "no 'path'")]
    [InlineData("[[folder]]\nid = \"a b\"\npath = \"/x\"\n", 2, "folder id")]
    [InlineData("[[folder]]\nid = \"a\"\npath = \"rel/x\"\n", 3, "absolute")]
    [InlineData("[[folder]]\nid = \"a\"\npath = \"/x\"\n[[folder]]\nid = \"a\"\npath = \"/y\"\n", 4, "already used on line 1")]
    [InlineData("[[peer]]\ndevice_id = \"AAAA\"\naddress = \"tcp://h:1\"\n", 2, "not a valid device ID")]
    [InlineData("[[thing]]\n", 1, "unknown table")]
    public void An_error_names_the_file_the_line_and_the_problem(string text, int line, string problem)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigReader.Parse(text, "/home/me/.config/mesh/config.toml"));

        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"/home/me/.config/mesh/config.toml:{line}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_peer_sharing_an_unknown_folder_points_at_its_folders_line()
    {
        var text = $"[[folder]]\nid = \"docs\"\npath = \"/d\"\n\n[[peer]]\ndevice_id = \"{PeerId}\"\naddress = \"tcp://h:1\"\nfolders = [\"docs\", \"music\"]\n";

        var error = Assert.Throws<ConfigException>(() => ConfigReader.Parse(text, "c.toml"));

        Assert.Equal(8, error.Line);
        Assert.Contains("'music'", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_id_with_a_wrong_check_character_is_refused()
    {
        var id = PeerId.ToString();
        var wrong = id[..^1] + (id[^1] == 'A' ? 'B' : 'A');
        var text = $"[[peer]]\ndevice_id = \"{wrong}\"\naddress = \"tcp://h:1\"\n";

        var error = Assert.Throws<ConfigException>(() => ConfigReader.Parse(text, "c.toml"));

        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Reading_a_missing_file_says_to_run_init()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigReader.Read("/nonexistent/mesh/config.toml"));

        Assert.Contains("mesh init", error.Message, StringComparison.Ordinal);
    }
}
