using System.Net;

namespace Mesh.Simulator.Network;

/// <summary>
/// One NAT mapping: an internal endpoint bound to an external port, the destinations it has sent to (what
/// address- and port-dependent filtering admits), and when it expires without further outbound traffic.
/// </summary>
internal sealed class NatMappingEntry
{
    private readonly HashSet<IPAddress> _addressesSentTo = [];
    private readonly HashSet<IPEndPoint> _endpointsSentTo = [];

    public NatMappingEntry(IPEndPoint internalEndPoint, int externalPort, (IPAddress? Address, int Port) key)
    {
        Internal = internalEndPoint;
        ExternalPort = externalPort;
        Key = key;
    }

    public IPEndPoint Internal { get; }

    public int ExternalPort { get; }

    /// <summary>The destination part of the mapping's key: none, the address, or the address and port.</summary>
    public (IPAddress? Address, int Port) Key { get; }

    public TimeSpan ExpiresAt { get; set; }

    public void RecordOutbound(IPEndPoint destination)
    {
        _addressesSentTo.Add(destination.Address);
        _endpointsSentTo.Add(destination);
    }

    public bool Admits(IPEndPoint source, NatFilteringBehavior filtering) => filtering switch
    {
        NatFilteringBehavior.EndpointIndependent => true,
        NatFilteringBehavior.AddressDependent => _addressesSentTo.Contains(source.Address),
        _ => _endpointsSentTo.Contains(source),
    };
}
