using Mesh.Peer.Config;

namespace Mesh.Peer.Tests.Config;

public sealed class MeshHomeTests
{
    [Fact]
    public void The_option_wins_over_the_environment()
    {
        var home = MeshHome.Resolve("/opt/a", Env(("MESH_HOME", "/opt/b"), ("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")));

        Assert.Equal("/opt/a", home.Directory);
    }

    [Fact]
    public void MESH_HOME_wins_over_XDG()
    {
        var home = MeshHome.Resolve(null, Env(("MESH_HOME", "/opt/b"), ("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")));

        Assert.Equal("/opt/b", home.Directory);
    }

    [Fact]
    public void XDG_CONFIG_HOME_then_the_user_home()
    {
        Assert.Equal("/x/mesh", MeshHome.Resolve(null, Env(("XDG_CONFIG_HOME", "/x"), ("HOME", "/h"))).Directory);
        Assert.Equal("/h/.config/mesh", MeshHome.Resolve(null, Env(("XDG_CONFIG_HOME", "relative"), ("HOME", "/h"))).Directory);
        Assert.Equal("/h/.config/mesh", MeshHome.Resolve(null, Env(("HOME", "/h"))).Directory);
    }

    [Fact]
    public void Files_live_in_the_home()
    {
        var home = new MeshHome("/h");

        Assert.Equal("/h/config.toml", home.ConfigPath);
        Assert.Equal("/h/control.sock", home.ControlSocketPath);
        Assert.Equal("/h/index.db", home.IndexPath);
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;
}
