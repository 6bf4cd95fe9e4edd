using Mesh.Simulator.Network;
using Mesh.Simulator.Scenarios;
using Mesh.Transport.Ice;
using Xunit.Abstractions;

namespace Mesh.Simulator.Tests.Ice;

/// <summary>
/// Two real ICE agents on the virtual network, for every pair of NAT behaviours, with a STUN and a TURN server
/// on the public side and 50 ms between the devices. The table is what RFC 4787 predicts: hole punching works
/// unless one side's mapping depends on the destination (so the peer cannot know the port it will use) and the
/// other side's filter only admits endpoints it has itself sent to — or both sides' mappings depend on the
/// destination. D = direct (host, server- or peer-reflexive pair), R = only through the relay.
/// </summary>
public class NatTraversalTests(ITestOutputHelper output)
{
    private const string Table = """
                  none   EI/EIF  EI/ADF  EI/APDF  AD/APDF  APD/APDF
        none      D      D       D       D        D        D
        EI/EIF    D      D       D       D        D        D
        EI/ADF    D      D       D       D        D        D
        EI/APDF   D      D       D       D        R        R
        AD/APDF   D      D       D       R        R        R
        APD/APDF  D      D       D       R        R        R
        """;

    private static readonly Dictionary<string, NatBehavior?> Behaviours = new()
    {
        ["none"] = null,
        ["EI/EIF"] = NatBehavior.FullCone,
        ["EI/ADF"] = NatBehavior.RestrictedCone,
        ["EI/APDF"] = NatBehavior.PortRestrictedCone,
        ["AD/APDF"] = new NatBehavior { Mapping = NatMappingBehavior.AddressDependent, Filtering = NatFilteringBehavior.AddressAndPortDependent },
        ["APD/APDF"] = NatBehavior.Symmetric,
    };

    public static TheoryData<string, string, char> Cells()
    {
        var data = new TheoryData<string, string, char>();
        var lines = Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var columns = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < columns.Length; i++)
            {
                data.Add(cells[0], columns[i], cells[i + 1][0]);
            }
        }

        return data;
    }

    [Fact]
    public void The_expected_outcome_table_is_symmetric()
    {
        var cells = Cells().Select(row => ((string)row[0], (string)row[1], (char)row[2])).ToList();
        Assert.Equal(36, cells.Count);
        foreach (var (a, b, outcome) in cells)
        {
            Assert.Equal(outcome, cells.Single(c => c.Item1 == b && c.Item2 == a).Item3);
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Agents_connect_directly_where_hole_punching_works_and_through_the_relay_elsewhere(string a, string b, char expected)
    {
        var result = IceScenario.Run(Options(a, b));
        output.WriteLine(result.ToString());

        Assert.True(result.Connected, $"{a} <-> {b}: {result.Failure}");
        Assert.Equal(expected == 'R', result.Relayed);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Without_a_relay_only_the_direct_cells_connect_and_the_others_fail_clearly(string a, string b, char expected)
    {
        var result = IceScenario.Run(Options(a, b) with { UseTurn = false });
        output.WriteLine(result.ToString());

        Assert.Equal(expected == 'D', result.Connected);
        if (expected == 'R')
        {
            Assert.Contains("candidate pairs failed", result.Failure, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("EI/APDF", false)]
    [InlineData("EI/APDF", true)]
    [InlineData("APD/APDF", false)]
    [InlineData("APD/APDF", true)]
    public void Devices_behind_the_same_nat_connect_over_their_lan_addresses(string behaviour, bool hairpinning)
    {
        var nat = Behaviours[behaviour]! with { Hairpinning = hairpinning };

        var result = IceScenario.Run(new IceScenarioOptions { SameNat = true, NatA = nat });

        Assert.True(result.Connected, result.Failure);
        Assert.Equal(CandidateType.Host, result.KindA);
        Assert.Equal(CandidateType.Host, result.KindB);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Devices_behind_one_carrier_nat_need_hairpinning_to_connect_directly(bool hairpinning, bool relayed)
    {
        var carrier = NatBehavior.PortRestrictedCone with { Hairpinning = hairpinning };

        var result = IceScenario.Run(new IceScenarioOptions
        {
            SideA = IceSideKind.BehindSharedCarrierNat,
            SideB = IceSideKind.BehindSharedCarrierNat,
            NatA = carrier,
        });
        output.WriteLine(result.ToString());

        Assert.True(result.Connected, result.Failure);
        Assert.Equal(relayed, result.Relayed);
    }

    [Fact]
    public void The_same_seed_replays_the_same_run()
    {
        var options = Options("APD/APDF", "EI/APDF") with { Seed = 99, Loss = 0.05 };

        var first = IceScenario.Run(options);
        var second = IceScenario.Run(options);

        Assert.Equal(first, second);
        Assert.NotEqual(first.TraceHash, IceScenario.Run(options with { Seed = 100 }).TraceHash);
    }

    [Fact]
    public void Agents_connect_through_ten_percent_loss_directly_or_through_the_relay()
    {
        for (var seed = 1; seed <= 10; seed++)
        {
            var direct = IceScenario.Run(Options("EI/APDF", "EI/APDF") with { Loss = 0.1, Seed = seed });
            var relayed = IceScenario.Run(Options("APD/APDF", "APD/APDF") with { Loss = 0.1, Seed = seed });

            Assert.True(direct.Connected && !direct.Relayed, $"seed {seed}: {direct}");
            Assert.True(relayed.Connected && relayed.Relayed, $"seed {seed}: {relayed}");
        }
    }

    private static IceScenarioOptions Options(string a, string b) => new()
    {
        SideA = Behaviours[a] is null ? IceSideKind.Public : IceSideKind.BehindNat,
        SideB = Behaviours[b] is null ? IceSideKind.Public : IceSideKind.BehindNat,
        NatA = Behaviours[a] ?? NatBehavior.FullCone,
        NatB = Behaviours[b] ?? NatBehavior.FullCone,
    };
}
