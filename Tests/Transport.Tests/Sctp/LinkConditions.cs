namespace Mesh.Transport.Tests.Sctp;

/// <summary>What a test link does to datagrams in one direction.</summary>
internal sealed record LinkConditions
{
    public double Loss { get; init; }

    public double Duplication { get; init; }

    /// <summary>Share of datagrams held back by an extra random delay of up to <see cref="ReorderDelay"/>, so later ones overtake them.</summary>
    public double Reordering { get; init; }

    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(15);

    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Datagrams larger than this are dropped, as a path with this MTU would.</summary>
    public int Mtu { get; init; } = 65_535;

    /// <summary>When false, everything is dropped (a peer that stopped answering).</summary>
    public bool Up { get; init; } = true;

    public static LinkConditions Clean { get; } = new();
}
