namespace Mesh.Transport.Sctp;

/// <summary>Counters of one association, for tests, logs and benchmarks.</summary>
public sealed class AssociationStatistics
{
    /// <summary>Packets sent.</summary>
    public long PacketsSent { get; internal set; }

    /// <summary>Packets received with a valid checksum and tag.</summary>
    public long PacketsReceived { get; internal set; }

    /// <summary>DATA chunks sent for the first time.</summary>
    public long DataChunksSent { get; internal set; }

    /// <summary>DATA chunks sent again (fast retransmit or T3-rtx).</summary>
    public long Retransmissions { get; internal set; }

    /// <summary>Chunks fast-retransmitted after three miss indications.</summary>
    public long FastRetransmissions { get; internal set; }

    /// <summary>T3-rtx expirations.</summary>
    public long Timeouts { get; internal set; }

    /// <summary>Duplicate DATA chunks received.</summary>
    public long DuplicatesReceived { get; internal set; }

    /// <summary>Packets dropped for a bad checksum, tag or framing.</summary>
    public long PacketsDropped { get; internal set; }

    /// <summary>Heartbeats sent.</summary>
    public long HeartbeatsSent { get; internal set; }
}
