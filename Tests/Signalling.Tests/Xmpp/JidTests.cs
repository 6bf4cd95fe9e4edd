using Mesh.Signalling.Xmpp;

namespace Mesh.Signalling.Tests.Xmpp;

public sealed class JidTests
{
    [Theory]
    [InlineData("alice@Example.ORG/phone", "alice", "example.org", "phone")]
    [InlineData("example.org", null, "example.org", null)]
    [InlineData("alice@example.org", "alice", "example.org", null)]
    [InlineData("alice@example.org/a/b@c", "alice", "example.org", "a/b@c")]
    public void Parses_the_three_parts(string text, string? local, string domain, string? resource)
    {
        var jid = Jid.Parse(text);
        Assert.Equal((local, domain, resource), (jid.Local, jid.Domain, jid.Resource));
    }

    [Theory]
    [InlineData("")]
    [InlineData("@example.org")]
    [InlineData("alice@")]
    [InlineData("alice@example.org/")]
    [InlineData("al ice@example.org")]
    [InlineData("a<b@example.org")]
    public void Rejects_malformed_addresses(string text) => Assert.False(Jid.TryParse(text, out _));

    [Fact]
    public void Bare_drops_the_resource_and_equality_ignores_domain_case()
    {
        Assert.Equal(Jid.Parse("a@example.org"), Jid.Parse("a@EXAMPLE.org/x").Bare);
        Assert.Equal("a@example.org/x", Jid.Parse("a@example.org").WithResource("x").ToString());
    }
}
