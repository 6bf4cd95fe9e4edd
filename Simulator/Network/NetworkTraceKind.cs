namespace Mesh.Simulator.Network;

/// <summary>What happened to a packet at one point of its way, as recorded in the network's trace.</summary>
public enum NetworkTraceKind
{
    /// <summary>Put on a segment; it will arrive after the segment's delay.</summary>
    Sent,

    /// <summary>A second copy put on a segment by the link's duplication.</summary>
    Duplicated,

    /// <summary>Handed to a bound UDP endpoint.</summary>
    Delivered,

    /// <summary>Rewritten by a NAT on its way out.</summary>
    TranslatedOut,

    /// <summary>Rewritten by a NAT on its way in.</summary>
    TranslatedIn,

    /// <summary>Lost on the link.</summary>
    DroppedLoss,

    /// <summary>Larger than the link's MTU.</summary>
    DroppedTooBig,

    /// <summary>No node owns the destination and there is no gateway.</summary>
    DroppedNoRoute,

    /// <summary>No endpoint is bound to the destination port.</summary>
    DroppedNoListener,

    /// <summary>A NAT had no mapping for the destination port (or it had expired).</summary>
    DroppedNoMapping,

    /// <summary>A NAT's filter rejected the source.</summary>
    DroppedFiltered,

    /// <summary>A NAT without hairpinning got a packet for its own external address from inside.</summary>
    DroppedNoHairpin,
}
