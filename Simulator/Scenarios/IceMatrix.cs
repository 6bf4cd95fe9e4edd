using Mesh.Simulator.Network;

namespace Mesh.Simulator.Scenarios;

/// <summary>The NAT behaviours the ICE matrix crosses, and the extra same-NAT and carrier-NAT cases.</summary>
public static class IceMatrix
{
    /// <summary>The behaviours of one side, by short name; null is a public host without NAT.</summary>
    public static IReadOnlyList<(string Name, NatBehavior? Behavior)> Sides { get; } =
    [
        ("none", null),
        ("EI/EIF", NatBehavior.FullCone),
        ("EI/ADF", NatBehavior.RestrictedCone),
        ("EI/APDF", NatBehavior.PortRestrictedCone),
        ("AD/APDF", new NatBehavior { Mapping = NatMappingBehavior.AddressDependent, Filtering = NatFilteringBehavior.AddressAndPortDependent }),
        ("APD/APDF", NatBehavior.Symmetric),
    ];

    /// <summary>Every scenario of the matrix with its label, for the given round trip and seed.</summary>
    public static IEnumerable<(string Label, IceScenarioOptions Options)> Scenarios(TimeSpan roundTrip, int seed, double loss)
    {
        foreach (var (nameA, a) in Sides)
        {
            foreach (var (nameB, b) in Sides)
            {
                yield return ($"{nameA} <-> {nameB}", new IceScenarioOptions
                {
                    SideA = a is null ? IceSideKind.Public : IceSideKind.BehindNat,
                    SideB = b is null ? IceSideKind.Public : IceSideKind.BehindNat,
                    NatA = a ?? NatBehavior.FullCone,
                    NatB = b ?? NatBehavior.FullCone,
                    RoundTrip = roundTrip,
                    Seed = seed,
                    Loss = loss,
                });
            }
        }

        foreach (var hairpin in new[] { false, true })
        {
            yield return ($"same NAT (EI/APDF{(hairpin ? " hairpin" : string.Empty)})", new IceScenarioOptions
            {
                SameNat = true,
                NatA = NatBehavior.PortRestrictedCone with { Hairpinning = hairpin },
                RoundTrip = roundTrip,
                Seed = seed,
                Loss = loss,
            });
            yield return ($"one carrier NAT ({(hairpin ? "hairpin" : "no hairpin")})", new IceScenarioOptions
            {
                SideA = IceSideKind.BehindSharedCarrierNat,
                SideB = IceSideKind.BehindSharedCarrierNat,
                NatA = NatBehavior.PortRestrictedCone with { Hairpinning = hairpin },
                RoundTrip = roundTrip,
                Seed = seed,
                Loss = loss,
            });
        }
    }
}
