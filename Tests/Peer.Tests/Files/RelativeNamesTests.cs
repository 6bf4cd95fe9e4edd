using Mesh.Peer.Files;

namespace Mesh.Peer.Tests.Files;

public sealed class RelativeNamesTests
{
    [Theory]
    [InlineData("docs/a/x", "docs/b/y", "docs")]
    [InlineData("docs/a/x", "docs/a/y", "docs/a")]
    [InlineData("a/b/c/d", "a/b/e", "a/b")]
    [InlineData("old", "new", null)]
    [InlineData("dir/old", "other/new", null)]
    [InlineData("photos2024/x", "photos/y", null)]
    public void The_common_parent_is_the_deepest_directory_holding_both_names(string a, string b, string? expected) =>
        Assert.Equal(expected, RelativeNames.CommonParent(a, b));

    [Fact]
    public void Outermost_keeps_each_name_not_below_another_even_when_a_sibling_sorts_between_them()
    {
        // '-' sorts before '/', so "a-x" comes between "a" and "a/b": comparing with the last name kept
        // only would keep "a/b".
        Assert.Equal(["a", "a-x", "b"], RelativeNames.Outermost(["a/b", "a-x", "a", "b", "a", "a-x/c"]));
    }
}
