using System.Net;

namespace Mesh.Simulator.Network;

/// <summary>
/// A NAPT between an inside segment and an outside one, with the mapping, filtering, port-preservation,
/// hairpinning and timeout behaviours of RFC 4787. Only outbound traffic creates or refreshes a mapping
/// (REQ-6 allows inbound refresh; home routers mostly do not), and an unsolicited inbound packet is dropped.
/// </summary>
public sealed class NatBox : ISegmentNode
{
    private const int LowestPort = 1024;
    private readonly VirtualNetwork _network;
    private readonly Dictionary<(IPEndPoint Internal, IPAddress? Address, int Port), NatMappingEntry> _byKey = [];
    private readonly Dictionary<int, NatMappingEntry> _byExternalPort = [];

    internal NatBox(VirtualNetwork network, string name, NatBehavior behavior, NetworkSegment outside, IPAddress externalAddress, NetworkSegment inside, IPAddress insideAddress)
    {
        _network = network;
        Name = name;
        Behavior = behavior;
        Outside = outside;
        ExternalAddress = externalAddress;
        Inside = inside;
        InsideAddress = insideAddress;
        outside.Attach(externalAddress, this);
        inside.Attach(insideAddress, this);
        inside.Gateway = this;
    }

    /// <summary>The NAT's name, used in traces.</summary>
    public string Name { get; }

    /// <summary>The NAT's behaviours; may be changed between runs of a scenario, not during one.</summary>
    public NatBehavior Behavior { get; set; }

    /// <summary>The segment the NAT's external address is on.</summary>
    public NetworkSegment Outside { get; }

    /// <summary>The NAT's public address.</summary>
    public IPAddress ExternalAddress { get; }

    /// <summary>The private segment behind the NAT.</summary>
    public NetworkSegment Inside { get; }

    /// <summary>The NAT's own address on the inside segment (the hosts' default gateway).</summary>
    public IPAddress InsideAddress { get; }

    /// <summary>The number of live mappings.</summary>
    public int MappingCount
    {
        get
        {
            ExpireMappings();
            return _byExternalPort.Count;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    void ISegmentNode.Receive(VirtualPacket packet, NetworkSegment segment)
    {
        if (ReferenceEquals(segment, Inside))
        {
            FromInside(packet);
        }
        else
        {
            FromOutside(packet);
        }
    }

    /// <summary>Finds or makes the external port a TCP connection from <paramref name="source"/> leaves by; TCP mappings are endpoint-independent and never expire here.</summary>
    internal IPEndPoint TranslateTcp(IPEndPoint source, IPEndPoint destination)
    {
        var entry = GetOrCreate(source, destination, NatMappingBehavior.EndpointIndependent, tcp: true);
        return new IPEndPoint(ExternalAddress, entry.ExternalPort);
    }

    private void FromInside(VirtualPacket packet)
    {
        if (packet.Destination.Address.Equals(InsideAddress))
        {
            _network.Record(NetworkTraceKind.DroppedNoListener, this, packet);
            return;
        }

        var entry = GetOrCreate(packet.Source, packet.Destination, Behavior.Mapping, tcp: false);
        entry.RecordOutbound(packet.Destination);
        entry.ExpiresAt = _network.Clock.Elapsed + Behavior.MappingTimeout;
        var translated = packet with { Source = new IPEndPoint(ExternalAddress, entry.ExternalPort) };
        _network.Record(NetworkTraceKind.TranslatedOut, this, translated);
        if (packet.Destination.Address.Equals(ExternalAddress))
        {
            if (!Behavior.Hairpinning)
            {
                _network.Record(NetworkTraceKind.DroppedNoHairpin, this, translated);
                return;
            }

            // RFC 4787 REQ-9: the looped-back packet carries the sender's external mapping as its source.
            FromOutside(translated);
            return;
        }

        Outside.Send(translated, this);
    }

    private void FromOutside(VirtualPacket packet)
    {
        if (!packet.Destination.Address.Equals(ExternalAddress))
        {
            _network.Record(NetworkTraceKind.DroppedNoRoute, this, packet);
            return;
        }

        if (!_byExternalPort.TryGetValue(packet.Destination.Port, out var entry) || Expired(entry))
        {
            _network.Record(NetworkTraceKind.DroppedNoMapping, this, packet);
            return;
        }

        if (!entry.Admits(packet.Source, Behavior.Filtering))
        {
            _network.Record(NetworkTraceKind.DroppedFiltered, this, packet);
            return;
        }

        var translated = packet with { Destination = entry.Internal };
        _network.Record(NetworkTraceKind.TranslatedIn, this, translated);
        Inside.Send(translated, this);
    }

    private NatMappingEntry GetOrCreate(IPEndPoint source, IPEndPoint destination, NatMappingBehavior mapping, bool tcp)
    {
        (IPAddress? Address, int Port) remote = mapping switch
        {
            NatMappingBehavior.EndpointIndependent => (null, 0),
            NatMappingBehavior.AddressDependent => (destination.Address, 0),
            _ => (destination.Address, destination.Port),
        };

        // TCP mappings live in the same port space under a distinct key (port -1) so they never collide with UDP ones.
        var key = (source, remote.Address, tcp ? -1 : remote.Port);
        if (_byKey.TryGetValue(key, out var entry) && !Expired(entry))
        {
            return entry;
        }

        var port = ChoosePort(source.Port);
        entry = new NatMappingEntry(source, port, remote) { ExpiresAt = tcp ? TimeSpan.MaxValue : _network.Clock.Elapsed + Behavior.MappingTimeout };
        _byKey[key] = entry;
        _byExternalPort[port] = entry;
        return entry;
    }

    private int ChoosePort(int internalPort)
    {
        if (Behavior.PortPreservation && internalPort >= LowestPort && IsFree(internalPort))
        {
            return internalPort;
        }

        // Port preservation failing (or off) means a pseudo-random port, as RFC 4787 section 4.2.1 describes for most NATs.
        for (var attempt = 0; attempt < 100_000; attempt++)
        {
            var port = _network.Random.Next(LowestPort, 65536);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"NAT {Name} has no free port");
    }

    private bool IsFree(int port) => !_byExternalPort.TryGetValue(port, out var entry) || Expired(entry);

    private bool Expired(NatMappingEntry entry)
    {
        if (entry.ExpiresAt > _network.Clock.Elapsed)
        {
            return false;
        }

        Remove(entry);
        return true;
    }

    private void Remove(NatMappingEntry entry)
    {
        if (_byExternalPort.TryGetValue(entry.ExternalPort, out var current) && ReferenceEquals(current, entry))
        {
            _byExternalPort.Remove(entry.ExternalPort);
        }

        foreach (var pair in _byKey.Where(p => ReferenceEquals(p.Value, entry)).ToList())
        {
            _byKey.Remove(pair.Key);
        }
    }

    private void ExpireMappings()
    {
        foreach (var entry in _byExternalPort.Values.ToList())
        {
            _ = Expired(entry);
        }
    }
}
