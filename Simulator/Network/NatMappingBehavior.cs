namespace Mesh.Simulator.Network;

/// <summary>How a NAT reuses an external address and port (RFC 4787 section 4.1).</summary>
public enum NatMappingBehavior
{
    /// <summary>One mapping per internal address and port, whatever the destination ("endpoint-independent").</summary>
    EndpointIndependent,

    /// <summary>A new mapping per destination address ("address-dependent").</summary>
    AddressDependent,

    /// <summary>A new mapping per destination address and port ("address and port-dependent", the classic symmetric NAT).</summary>
    AddressAndPortDependent,
}
