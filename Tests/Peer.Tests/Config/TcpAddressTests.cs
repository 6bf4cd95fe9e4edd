using Mesh.Peer.Config;

namespace Mesh.Peer.Tests.Config;

public sealed class TcpAddressTests
{
    [Theory]
    [InlineData("tcp://127.0.0.1:22200", "127.0.0.1", 22200)]
    [InlineData("tcp://example.org:1", "example.org", 1)]
    [InlineData("tcp://[::1]:0", "::1", 0)]
    [InlineData("TCP://h:65535/", "h", 65535)]
    public void Parses_host_and_port(string text, string host, int port)
    {
        Assert.True(TcpAddress.TryParse(text, out var address, out _));
        Assert.Equal(new TcpAddress(host, port), address);
    }

    [Theory]
    [InlineData("127.0.0.1:22200")]
    [InlineData("tcp://h")]
    [InlineData("tcp://:80")]
    [InlineData("tcp://h:65536")]
    [InlineData("tcp://h:-1")]
    [InlineData("tcp://::1:80")]
    [InlineData("tcp://[::1]80")]
    public void Refuses_what_is_not_tcp_host_port(string text)
    {
        Assert.False(TcpAddress.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Formats_IPv6_in_brackets()
    {
        Assert.Equal("tcp://[::1]:5", new TcpAddress("::1", 5).ToString());
        Assert.Equal("tcp://h:5", new TcpAddress("h", 5).ToString());
    }
}
