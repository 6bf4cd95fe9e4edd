using Mesh.Peer.Config;
using Mesh.Peer.Identity;

namespace Mesh.Peer.Tests.Config;

public sealed class ConfigEditorTests
{
    private const string HandWritten = """
        # my laptop's mesh config
        name = "laptop"   # shown to my other devices

        # folders
        [[folder]]
        id = "docs"       # the important one
        path = "/home/me/Docs"
        """;

    [Fact]
    public void Adding_a_folder_keeps_the_persons_comments_and_layout()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("config.toml");
        File.WriteAllText(path, HandWritten + "\n");

        ConfigEditor.AddFolder(path, new FolderConfig("photos", "/srv/photos"));

        var text = File.ReadAllText(path);
        Assert.StartsWith(HandWritten + "\n", text, StringComparison.Ordinal);
        Assert.Equal([new FolderConfig("docs", "/home/me/Docs"), new FolderConfig("photos", "/srv/photos")], ConfigReader.Read(path).Folders);
    }

    [Fact]
    public void Adding_a_peer_to_a_file_without_a_final_newline_gives_a_separate_table()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("config.toml");
        File.WriteAllText(path, HandWritten);
        var device = DeviceIdentity.CreateEphemeral().Id;

        ConfigEditor.AddPeer(path, new PeerConfig(device, new TcpAddress("192.168.1.5", 22200), ["docs"]));

        var config = ConfigReader.Read(path);
        Assert.Equal("docs", Assert.Single(config.Folders).Id);
        var peer = Assert.Single(config.Peers);
        Assert.Equal(device, peer.DeviceId);
        Assert.Equal(["docs"], peer.Folders);
        Assert.Contains("# the important one", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Setting_the_name_replaces_only_its_value_and_keeps_the_line_comment()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("config.toml");
        File.WriteAllText(path, HandWritten + "\n");

        ConfigEditor.SetTopLevel(path, "work \"pc\"", listen: null);

        var text = File.ReadAllText(path);
        Assert.Contains("name = \"work \\\"pc\\\"\"   # shown to my other devices\n", text, StringComparison.Ordinal);
        Assert.Equal(HandWritten.Replace("\"laptop\"", "\"work \\\"pc\\\"\"", StringComparison.Ordinal) + "\n", text);
        Assert.Equal("work \"pc\"", ConfigReader.Read(path).Name);
    }

    [Fact]
    public void A_missing_listen_is_inserted_at_the_top_level_not_into_a_table()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("config.toml");
        File.WriteAllText(path, HandWritten + "\n");

        ConfigEditor.SetTopLevel(path, name: null, new TcpAddress("127.0.0.1", 22300));

        var config = ConfigReader.Read(path);
        Assert.Equal(new TcpAddress("127.0.0.1", 22300), config.Listen);
        Assert.Equal("laptop", config.Name);
        Assert.Equal(new FolderConfig("docs", "/home/me/Docs"), Assert.Single(config.Folders));
        Assert.Contains("# folders", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_file_is_reported_with_its_line_and_left_unchanged()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("config.toml");
        const string Broken = "name = \"laptop\"\nlisten = 5\n";
        File.WriteAllText(path, Broken);

        var error = Assert.Throws<ConfigException>(() => ConfigEditor.AddFolder(path, new FolderConfig("photos", "/srv/photos")));

        Assert.Contains(":2", error.Message, StringComparison.Ordinal);
        Assert.Equal(Broken, File.ReadAllText(path));
    }
}
