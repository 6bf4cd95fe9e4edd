namespace Mesh.Simulator.Scenarios;

/// <summary>Where one side of an ICE scenario sits.</summary>
public enum IceSideKind
{
    /// <summary>A host with a public address, no NAT.</summary>
    Public,

    /// <summary>A host behind its own NAT with the side's behaviour.</summary>
    BehindNat,

    /// <summary>A host behind its own home NAT (endpoint-independent, port-restricted), which sits behind a carrier NAT shared with the other side.</summary>
    BehindSharedCarrierNat,
}
