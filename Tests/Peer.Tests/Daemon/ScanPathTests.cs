using Mesh.Peer.Daemon;

namespace Mesh.Peer.Tests.Daemon;

public sealed class ScanPathTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("a/b", "a/b")]
    [InlineData("./a//b/", "a/b")]
    [InlineData("/data/docs/a/b", "a/b")]
    [InlineData("/data/docs", null)]
    [InlineData("/data/docs/", null)]
    public void Resolves_inside_the_folder(string? path, string? expected)
    {
        Assert.True(ScanPath.TryResolve("/data/docs", path, out var relative, out _));
        Assert.Equal(expected, relative);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/data/docs2/x")]
    [InlineData("/elsewhere")]
    public void Refuses_paths_outside_the_folder(string path)
    {
        Assert.False(ScanPath.TryResolve("/data/docs", path, out _, out var problem));
        Assert.NotEmpty(problem);
    }
}
