using System.Net;

namespace Mesh.Simulator.Network;

/// <summary>One line of a network trace: when, where, what happened, and to which packet.</summary>
/// <param name="Time">Virtual time since the start of the run.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Where">The segment, NAT or host name.</param>
/// <param name="Source">The packet's source at that point.</param>
/// <param name="Destination">The packet's destination at that point.</param>
/// <param name="Length">The payload length.</param>
public readonly record struct NetworkTraceEntry(TimeSpan Time, NetworkTraceKind Kind, string Where, IPEndPoint Source, IPEndPoint Destination, int Length)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Time.TotalMilliseconds,10:F3} {Kind,-18} {Where,-10} {Source} -> {Destination} {Length}";
}
