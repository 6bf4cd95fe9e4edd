using System.Net;
using Mesh.Simulator.Time;

namespace Mesh.Simulator.Network;

/// <summary>
/// A whole simulated network: segments, hosts and NATs on one <see cref="VirtualClock"/> and one seeded
/// <see cref="System.Random"/>. Everything happens on the thread that runs the clock, so two runs with the
/// same topology, the same inputs and the same seed produce the same trace (<see cref="TraceHash"/>).
/// </summary>
public sealed class VirtualNetwork
{
    private readonly List<NetworkSegment> _segments = [];
    private readonly List<VirtualHost> _hosts = [];
    private readonly List<NatBox> _nats = [];
    private ulong _traceHash = 14695981039346656037UL;

    /// <summary>Creates an empty network whose randomness comes from <paramref name="seed"/>.</summary>
    public VirtualNetwork(int seed)
    {
        Seed = seed;
        Random = new Random(seed);
        Clock = new VirtualClock();
    }

    /// <summary>The seed this network's randomness came from; a failing seed reproduces a run.</summary>
    public int Seed { get; }

    /// <summary>The virtual time of this network.</summary>
    public VirtualClock Clock { get; }

    /// <summary>The seeded random source for link behaviour, port choice and anything run on this network.</summary>
    public Random Random { get; }

    /// <summary>When set, every trace entry is also passed here (e.g. to keep a list or print it).</summary>
    public Action<NetworkTraceEntry>? Trace { get; set; }

    /// <summary>A hash over every trace entry so far; equal hashes mean runs that behaved the same.</summary>
    public ulong TraceHash => _traceHash;

    /// <summary>Counts of trace entries by kind, for tests and benchmarks.</summary>
    public IReadOnlyDictionary<NetworkTraceKind, long> Counters => _counters;

    private readonly Dictionary<NetworkTraceKind, long> _counters = [];

    /// <summary>The segments created so far.</summary>
    public IReadOnlyList<NetworkSegment> Segments => _segments;

    /// <summary>The hosts created so far.</summary>
    public IReadOnlyList<VirtualHost> Hosts => _hosts;

    /// <summary>The NATs created so far.</summary>
    public IReadOnlyList<NatBox> Nats => _nats;

    /// <summary>Creates a segment with the given address prefixes (e.g. "10.0.0.0/24", "fd00::/64").</summary>
    public NetworkSegment CreateSegment(string name, LinkProfile profile, params string[] prefixes)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(prefixes);
        if (prefixes.Length == 0)
        {
            throw new ArgumentException("a segment needs at least one prefix", nameof(prefixes));
        }

        var segment = new NetworkSegment(this, name, [.. prefixes.Select(p => IPNetwork.Parse(p))], profile);
        _segments.Add(segment);
        return segment;
    }

    /// <summary>Adds a host with one address on <paramref name="segment"/> (the next free one unless given).</summary>
    public VirtualHost AddHost(string name, NetworkSegment segment, IPAddress? address = null)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var host = new VirtualHost(this, name);
        host.AddInterface(segment, address ?? segment.Allocate(System.Net.Sockets.AddressFamily.InterNetwork));
        _hosts.Add(host);
        return host;
    }

    /// <summary>
    /// Adds a NAT with its external address on <paramref name="outside"/> and a new inside segment with the
    /// given prefix, whose gateway it is.
    /// </summary>
    public NatBox AddNat(string name, NetworkSegment outside, NatBehavior behavior, string insidePrefix, LinkProfile? insideProfile = null, IPAddress? externalAddress = null)
    {
        ArgumentNullException.ThrowIfNull(outside);
        ArgumentNullException.ThrowIfNull(behavior);
        var inside = CreateSegment(name + "-lan", insideProfile ?? LinkProfile.Ideal, insidePrefix);
        var external = externalAddress ?? outside.Allocate(System.Net.Sockets.AddressFamily.InterNetwork);
        var insideAddress = inside.Allocate(System.Net.Sockets.AddressFamily.InterNetwork);
        var nat = new NatBox(this, name, behavior, outside, external, inside, insideAddress);
        _nats.Add(nat);
        return nat;
    }

    internal void Record(NetworkTraceKind kind, object where, VirtualPacket packet)
    {
        var time = Clock.Elapsed;
        _counters[kind] = _counters.GetValueOrDefault(kind) + 1;
        var hash = _traceHash;
        hash = Mix(hash, (ulong)time.Ticks);
        hash = Mix(hash, (ulong)kind);
        hash = Mix(hash, (ulong)packet.Source.GetHashCodeStable());
        hash = Mix(hash, (ulong)packet.Destination.GetHashCodeStable());
        hash = Mix(hash, (ulong)packet.Payload.Length);
        foreach (var b in packet.Payload.AsSpan(0, Math.Min(packet.Payload.Length, 64)))
        {
            hash = Mix(hash, b);
        }

        _traceHash = hash;
        Trace?.Invoke(new NetworkTraceEntry(time, kind, where.ToString() ?? string.Empty, packet.Source, packet.Destination, packet.Payload.Length));
    }

    private static ulong Mix(ulong hash, ulong value) => (hash ^ value) * 1099511628211UL;
}
