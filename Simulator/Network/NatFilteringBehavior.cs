namespace Mesh.Simulator.Network;

/// <summary>Which inbound packets a NAT lets through an existing mapping (RFC 4787 section 5).</summary>
public enum NatFilteringBehavior
{
    /// <summary>Any source may use the mapping ("endpoint-independent", full cone).</summary>
    EndpointIndependent,

    /// <summary>Only addresses the inside host has sent to through this mapping ("address-dependent", restricted cone).</summary>
    AddressDependent,

    /// <summary>Only address and port pairs the inside host has sent to ("address and port-dependent", port-restricted).</summary>
    AddressAndPortDependent,
}
