using System.Net;
using System.Text.Json;
using Mesh.Transport.Turn;

namespace Mesh.Integration.Nat;

/// <summary>
/// <c>mesh netcheck</c> inside the harness's network namespaces, behind real iptables NATs, against the
/// coturn on the namespaces' "public" segment at two addresses.
/// </summary>
public sealed class NetcheckBehindNatTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Behind_the_endpoint_independent_nat_netcheck_reports_the_nats_public_address_and_a_stable_mapping()
    {
        var host = NatNamespaces.Require("EIM1");
        var publicAddress = NatNamespaces.Require("EIM1_PUBLIC");

        var report = await NetcheckAsync(host);

        Assert.True(report.GetProperty("udp").GetBoolean());
        Assert.True(report.GetProperty("behindNat").GetBoolean());
        Assert.False(report.GetProperty("mappingVariesByDestination").GetBoolean());
        var mapped = IPEndPoint.Parse(report.GetProperty("mappedAddress").GetString()!);
        Assert.Equal(IPAddress.Parse(publicAddress), mapped.Address);
        Assert.StartsWith("likely", report.GetProperty("holePunching").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Behind_the_symmetric_nat_netcheck_reports_a_mapping_that_varies_by_destination()
    {
        var host = NatNamespaces.Require("SYM1");
        var publicAddress = NatNamespaces.Require("SYM1_PUBLIC");

        var report = await NetcheckAsync(host);

        Assert.True(report.GetProperty("udp").GetBoolean());
        Assert.True(report.GetProperty("mappingVariesByDestination").GetBoolean());
        var mapped = report.GetProperty("stun").EnumerateArray()
            .Select(result => IPEndPoint.Parse(result.GetProperty("mappedAddress").GetString()!)).ToArray();
        Assert.Equal(2, mapped.Length);
        Assert.All(mapped, endPoint => Assert.Equal(IPAddress.Parse(publicAddress), endPoint.Address));
        Assert.NotEqual(mapped[0].Port, mapped[1].Port);
        Assert.Equal(JsonValueKind.Null, report.GetProperty("mappedAddress").ValueKind);
    }

    [SkippableFact]
    public async Task Behind_the_symmetric_nat_a_turn_relay_is_still_allocated()
    {
        var host = NatNamespaces.Require("SYM2");
        var turnHost = NatNamespaces.Require("TURN_HOST");
        var turnPort = NatNamespaces.Require("TURN_PORT");
        var credentials = TurnCredentials.FromSharedSecret(NatNamespaces.Require("TURN_SECRET"), "nat", DateTimeOffset.UtcNow.AddHours(1));

        var report = await NetcheckAsync(host, "--turn", $"{turnHost}:{turnPort}", "--turn-user", credentials.Username, "--turn-password", credentials.Password);

        var turn = report.GetProperty("turn");
        Assert.True(turn.GetProperty("ok").GetBoolean(), turn.GetProperty("error").GetString());
        Assert.Equal(IPAddress.Parse(turnHost), IPEndPoint.Parse(turn.GetProperty("relayedAddress").GetString()!).Address);
        Assert.Equal(IPAddress.Parse(NatNamespaces.Require("SYM2_PUBLIC")), IPEndPoint.Parse(turn.GetProperty("mappedAddress").GetString()!).Address);
    }

    private static async Task<JsonElement> NetcheckAsync(string ns, params string[] extra)
    {
        var arguments = new[] { "netcheck", "--stun", NatNamespaces.Require("STUN1"), "--stun", NatNamespaces.Require("STUN2"), "--json" }.Concat(extra).ToArray();
        var (exit, output, error) = await NatNamespaces.RunMeshAsync(ns, Timeout, arguments);
        Assert.True(exit == 0, $"mesh netcheck exited {exit}: {error}");
        using var json = JsonDocument.Parse(output);
        return json.RootElement.Clone();
    }
}
