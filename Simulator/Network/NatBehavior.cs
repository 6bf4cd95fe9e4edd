namespace Mesh.Simulator.Network;

/// <summary>The RFC 4787 behaviours of one NAT box.</summary>
public sealed record NatBehavior
{
    /// <summary>Endpoint-independent mapping and filtering ("full cone").</summary>
    public static NatBehavior FullCone { get; } = new()
    {
        Mapping = NatMappingBehavior.EndpointIndependent,
        Filtering = NatFilteringBehavior.EndpointIndependent,
    };

    /// <summary>Endpoint-independent mapping, address-dependent filtering ("restricted cone").</summary>
    public static NatBehavior RestrictedCone { get; } = new()
    {
        Mapping = NatMappingBehavior.EndpointIndependent,
        Filtering = NatFilteringBehavior.AddressDependent,
    };

    /// <summary>Endpoint-independent mapping, address-and-port-dependent filtering: what most home routers do.</summary>
    public static NatBehavior PortRestrictedCone { get; } = new()
    {
        Mapping = NatMappingBehavior.EndpointIndependent,
        Filtering = NatFilteringBehavior.AddressAndPortDependent,
    };

    /// <summary>Address-and-port-dependent mapping and filtering ("symmetric").</summary>
    public static NatBehavior Symmetric { get; } = new()
    {
        Mapping = NatMappingBehavior.AddressAndPortDependent,
        Filtering = NatFilteringBehavior.AddressAndPortDependent,
        PortPreservation = false,
    };

    /// <summary>How external ports are reused across destinations.</summary>
    public NatMappingBehavior Mapping { get; init; } = NatMappingBehavior.EndpointIndependent;

    /// <summary>Which inbound packets pass an existing mapping.</summary>
    public NatFilteringBehavior Filtering { get; init; } = NatFilteringBehavior.AddressAndPortDependent;

    /// <summary>Whether the NAT tries to give a mapping the same external port as the internal one.</summary>
    public bool PortPreservation { get; init; } = true;

    /// <summary>Whether a packet from inside to the NAT's own external address is looped back in (RFC 4787 REQ-9).</summary>
    public bool Hairpinning { get; init; }

    /// <summary>How long a mapping lives without outbound traffic (RFC 4787 REQ-5 asks for at least two minutes).</summary>
    public TimeSpan MappingTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A short label such as "EIM/APDF hairpin" for tables and traces.</summary>
    public override string ToString() =>
        $"{Short(Mapping)}M/{Short(Filtering)}F{(Hairpinning ? " hairpin" : string.Empty)}{(PortPreservation ? string.Empty : " random-port")}";

    private static string Short(NatMappingBehavior b) => b switch
    {
        NatMappingBehavior.EndpointIndependent => "EI",
        NatMappingBehavior.AddressDependent => "AD",
        _ => "APD",
    };

    private static string Short(NatFilteringBehavior b) => b switch
    {
        NatFilteringBehavior.EndpointIndependent => "EI",
        NatFilteringBehavior.AddressDependent => "AD",
        _ => "APD",
    };
}
