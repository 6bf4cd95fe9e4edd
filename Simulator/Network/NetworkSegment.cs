using System.Net;

namespace Mesh.Simulator.Network;

/// <summary>
/// A broadcast domain: a LAN behind a NAT, or the public internet. Every attached node owns addresses from
/// the segment's prefixes; a packet to an address on the segment goes straight to its owner, anything else
/// goes to the segment's gateway (the NAT whose inside this is), and without a gateway it is dropped.
/// Every crossing pays the segment's <see cref="LinkProfile"/>.
/// </summary>
public sealed class NetworkSegment
{
    private readonly VirtualNetwork _network;
    private readonly Dictionary<IPAddress, ISegmentNode> _nodes = [];
    private readonly List<IPNetwork> _prefixes;
    private readonly Dictionary<IPNetwork, UInt128> _nextHost = [];
    private long _busyUntilTicks;

    internal NetworkSegment(VirtualNetwork network, string name, IReadOnlyList<IPNetwork> prefixes, LinkProfile profile)
    {
        profile.Validate();
        _network = network;
        Name = name;
        _prefixes = [.. prefixes];
        Profile = profile;
    }

    /// <summary>The segment's name, used in traces.</summary>
    public string Name { get; }

    /// <summary>The address ranges of this segment.</summary>
    public IReadOnlyList<IPNetwork> Prefixes => _prefixes;

    /// <summary>How packets crossing this segment are delayed, lost, duplicated or reordered; may be changed during a run.</summary>
    public LinkProfile Profile { get; set; }

    /// <summary>The NAT whose inside this segment is, if any.</summary>
    public NatBox? Gateway { get; internal set; }

    /// <summary>Whether <paramref name="address"/> falls in one of this segment's prefixes.</summary>
    public bool Contains(IPAddress address)
    {
        foreach (var prefix in _prefixes)
        {
            if (prefix.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    internal IPAddress Allocate(System.Net.Sockets.AddressFamily family)
    {
        foreach (var prefix in _prefixes)
        {
            if (prefix.BaseAddress.AddressFamily != family)
            {
                continue;
            }

            var bytes = prefix.BaseAddress.GetAddressBytes();
            var offset = _nextHost.GetValueOrDefault(prefix, UInt128.One);
            while (true)
            {
                var candidate = Add(bytes, offset);
                offset++;
                if (!prefix.Contains(candidate))
                {
                    break;
                }

                if (!_nodes.ContainsKey(candidate))
                {
                    _nextHost[prefix] = offset;
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"segment {Name} has no free {family} address");
    }

    internal void Attach(IPAddress address, ISegmentNode node)
    {
        if (!Contains(address))
        {
            throw new ArgumentException($"{address} is not on segment {Name}", nameof(address));
        }

        if (!_nodes.TryAdd(address, node))
        {
            throw new ArgumentException($"{address} is already in use on segment {Name}", nameof(address));
        }
    }

    /// <summary>Sends a packet across this segment from <paramref name="sender"/> towards its destination's owner or the gateway.</summary>
    internal void Send(VirtualPacket packet, ISegmentNode sender)
    {
        ISegmentNode? next;
        if (_nodes.TryGetValue(packet.Destination.Address, out var owner))
        {
            next = owner;
        }
        else if (Gateway is not null && !ReferenceEquals(Gateway, sender) && !Contains(packet.Destination.Address))
        {
            next = Gateway;
        }
        else
        {
            _network.Record(NetworkTraceKind.DroppedNoRoute, this, packet);
            return;
        }

        var profile = Profile;
        var random = _network.Random;
        if (packet.WireSize > profile.Mtu)
        {
            _network.Record(NetworkTraceKind.DroppedTooBig, this, packet);
            return;
        }

        if (profile.Loss > 0 && random.NextDouble() < profile.Loss)
        {
            _network.Record(NetworkTraceKind.DroppedLoss, this, packet);
            return;
        }

        var clock = _network.Clock;
        var now = clock.Elapsed.Ticks;
        var start = now;
        if (profile.BitsPerSecond > 0)
        {
            // A shared medium: packets queue behind each other for their serialisation time.
            start = Math.Max(now, _busyUntilTicks);
            _busyUntilTicks = start + (packet.WireSize * 8L * TimeSpan.TicksPerSecond / profile.BitsPerSecond);
        }

        var copies = profile.Duplication > 0 && random.NextDouble() < profile.Duplication ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = start - now + profile.Latency.Ticks;
            if (profile.Jitter > TimeSpan.Zero)
            {
                delay += (long)(random.NextDouble() * profile.Jitter.Ticks);
            }

            if (profile.Reordering > 0 && random.NextDouble() < profile.Reordering)
            {
                delay += profile.ReorderDelay.Ticks;
            }

            var target = next;
            _network.Record(i == 0 ? NetworkTraceKind.Sent : NetworkTraceKind.Duplicated, this, packet);
            clock.Schedule(TimeSpan.FromTicks(delay), () => target.Receive(packet, this));
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static IPAddress Add(byte[] baseAddress, UInt128 offset)
    {
        var result = (byte[])baseAddress.Clone();
        var carry = offset;
        for (var i = result.Length - 1; i >= 0 && carry > 0; i--)
        {
            var sum = result[i] + (carry & 0xff);
            result[i] = (byte)sum;
            carry = (carry >> 8) + (sum >> 8);
        }

        return new IPAddress(result);
    }
}
