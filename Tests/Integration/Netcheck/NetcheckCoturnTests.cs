using System.Net;
using System.Text.Json;
using Mesh.Peer.Cli;
using Mesh.TestSupport;
using Mesh.Transport.Net;
using Mesh.Transport.Netcheck;
using Mesh.Transport.Stun;
using Mesh.Transport.Turn;

namespace Mesh.Integration.Netcheck;

/// <summary>
/// <c>mesh netcheck</c> on loopback against the harness's coturn, with a second STUN server (our own
/// responder) so the mapping comparison has two destinations.
/// </summary>
public sealed class NetcheckCoturnTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task On_loopback_both_servers_see_the_probe_socket_so_udp_works_without_nat_or_varying_mapping()
    {
        var turn = TestServers.RequireTurn();
        using var second = StartResponder();
        using var cts = new CancellationTokenSource(Timeout);

        var report = await NetworkCheck.RunAsync(new NetcheckOptions
        {
            StunServers = [Endpoint(turn), second.LocalEndPoint],
        }, cts.Token);

        Assert.True(report.UdpWorks);
        Assert.All(report.Stun, result => Assert.Equal(report.LocalEndPoint.Port, result.MappedAddress!.Port));
        Assert.False(report.MappingVariesByDestination);
        Assert.False(report.BehindNat);
        Assert.Null(report.Turn);
    }

    [SkippableFact]
    public async Task With_turn_credentials_from_the_shared_secret_a_relay_is_allocated_and_reported()
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        var credentials = TurnCredentials.FromSharedSecret(turn.Secret, "netcheck", DateTimeOffset.UtcNow.AddHours(1));

        var report = await NetworkCheck.RunAsync(new NetcheckOptions
        {
            StunServers = [Endpoint(turn)],
            TurnServer = Endpoint(turn),
            TurnCredentials = credentials,
        }, cts.Token);

        Assert.NotNull(report.Turn);
        Assert.True(report.Turn.Succeeded, report.Turn.Error);
        Assert.Equal(IPAddress.Parse(turn.Host), report.Turn.RelayedAddress!.Address);
        Assert.Contains($"relayed address {report.Turn.RelayedAddress}", report.ToText(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_command_prints_one_json_object_and_exits_zero()
    {
        var turn = TestServers.RequireTurn();
        using var second = StartResponder();
        using var cts = new CancellationTokenSource(Timeout);
        var credentials = TurnCredentials.FromSharedSecret(turn.Secret, "netcheck", DateTimeOffset.UtcNow.AddHours(1));
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await NetcheckCommand.RunAsync(
            new NetcheckArguments([$"{turn.Host}:{turn.Port}", second.LocalEndPoint.ToString()], $"{turn.Host}:{turn.Port}",
                credentials.Username, credentials.Password, TurnTcp: true, Json: true),
            output, error, cts.Token);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.True(root.GetProperty("udp").GetBoolean());
        Assert.False(root.GetProperty("mappingVariesByDestination").GetBoolean());
        Assert.Equal(2, root.GetProperty("stun").GetArrayLength());
        Assert.True(root.GetProperty("turn").GetProperty("ok").GetBoolean());
        Assert.Equal("TCP", root.GetProperty("turn").GetProperty("transport").GetString());
        Assert.DoesNotContain(credentials.Password, output.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_wrong_turn_password_is_reported_as_such_and_the_checks_still_exit_zero()
    {
        var turn = TestServers.RequireTurn();
        using var cts = new CancellationTokenSource(Timeout);
        var output = new StringWriter();
        var username = TurnCredentials.FromSharedSecret(turn.Secret, "netcheck", DateTimeOffset.UtcNow.AddHours(1)).Username;

        var exit = await NetcheckCommand.RunAsync(
            new NetcheckArguments([$"{turn.Host}:{turn.Port}"], $"{turn.Host}:{turn.Port}", username, "not-the-password", TurnTcp: false, Json: false),
            output, new StringWriter(), cts.Token);

        Assert.Equal(0, exit);
        Assert.Contains("wrong username or password", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_server_means_udp_is_reported_blocked()
    {
        using var silent = SocketNetwork.Instance.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Start((_, _) => { });
        using var cts = new CancellationTokenSource(Timeout);

        var report = await NetworkCheck.RunAsync(new NetcheckOptions
        {
            StunServers = [silent.LocalEndPoint],
            Schedule = new StunRetransmission(TimeSpan.FromMilliseconds(50), 2, 2),
        }, cts.Token);

        Assert.False(report.UdpWorks);
        Assert.Null(report.BehindNat);
        Assert.StartsWith("impossible", report.HolePunching, StringComparison.Ordinal);
        Assert.Contains("blocked", report.ToText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], null, null, null, 2)]
    [InlineData(new[] { "127.0.0.1:notaport" }, null, null, null, 2)]
    [InlineData(new[] { "127.0.0.1:3478" }, "127.0.0.1:3478", null, null, 2)]
    [InlineData(new[] { "name.invalid:3478" }, null, null, null, 1)]
    public async Task Bad_usage_exits_two_and_an_unresolvable_server_exits_one_with_a_one_line_reason(
        string[] stun, string? turnServer, string? user, string? password, int expected)
    {
        var error = new StringWriter();
        var exit = await NetcheckCommand.RunAsync(new NetcheckArguments(stun, turnServer, user, password, false, false), new StringWriter(), error, CancellationToken.None);

        Assert.Equal(expected, exit);
        Assert.Single(error.ToString().TrimEnd().Split('\n'));
        Assert.StartsWith("mesh netcheck: ", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:3478", "127.0.0.1", 3478)]
    [InlineData("[::1]:5349", "::1", 5349)]
    [InlineData("stun.example.org", "stun.example.org", 3478)]
    [InlineData("::1", "::1", 3478)]
    public void Server_arguments_split_into_host_and_port(string text, string host, int port)
    {
        Assert.True(NetcheckCommand.TrySplitHostPort(text, out var parsedHost, out var parsedPort));
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    private static IPEndPoint Endpoint(TurnTestServer turn) => new(IPAddress.Parse(turn.Host), turn.Port);

    private static IUdpEndpoint StartResponder()
    {
        var socket = SocketNetwork.Instance.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        var responder = new StunBindingResponder();
        socket.Start((datagram, remote) => responder.OnDatagram(datagram, remote, socket.Send));
        return socket;
    }
}
