using Mesh.Simulator.Network;

namespace Mesh.Simulator.Scenarios;

/// <summary>One ICE connectivity scenario: where the two devices sit, what servers exist, how far apart they are.</summary>
public sealed record IceScenarioOptions
{
    /// <summary>Where side A (the controlling agent) sits.</summary>
    public IceSideKind SideA { get; init; } = IceSideKind.BehindNat;

    /// <summary>Where side B (the controlled agent) sits.</summary>
    public IceSideKind SideB { get; init; } = IceSideKind.BehindNat;

    /// <summary>A's NAT (or, with <see cref="IceSideKind.BehindSharedCarrierNat"/>, the carrier NAT's) behaviour.</summary>
    public NatBehavior NatA { get; init; } = NatBehavior.PortRestrictedCone;

    /// <summary>B's NAT behaviour.</summary>
    public NatBehavior NatB { get; init; } = NatBehavior.PortRestrictedCone;

    /// <summary>Both devices on one LAN behind one NAT (<see cref="NatA"/>); the sides' kinds are then ignored.</summary>
    public bool SameNat { get; init; }

    /// <summary>Round-trip time between the two devices across the internet (and from each to the servers).</summary>
    public TimeSpan RoundTrip { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether a STUN server is available.</summary>
    public bool UseStun { get; init; } = true;

    /// <summary>Whether a TURN server is available.</summary>
    public bool UseTurn { get; init; } = true;

    /// <summary>Packet loss on the internet segment.</summary>
    public double Loss { get; init; }

    /// <summary>How long to keep the connected agents running after the data exchange (consent checks, NAT timeouts).</summary>
    public TimeSpan HoldFor { get; init; }

    /// <summary>Whether the internet loses every packet once the agents are connected (to watch consent expire).</summary>
    public bool PartitionAfterConnect { get; init; }

    /// <summary>The seed of the run.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How much virtual time the run may take.</summary>
    public TimeSpan Limit { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>A short description for tables.</summary>
    public override string ToString() => SameNat
        ? $"same NAT ({NatA})"
        : $"{Describe(SideA, NatA)} <-> {Describe(SideB, NatB)}";

    private static string Describe(IceSideKind kind, NatBehavior nat) => kind switch
    {
        IceSideKind.Public => "public",
        IceSideKind.BehindNat => nat.ToString(),
        _ => $"home behind carrier {nat}",
    };
}
