namespace Mesh.Transport.DataChannels;

/// <summary>The channel type of DATA_CHANNEL_OPEN (RFC 8832 section 5.1).</summary>
public enum DataChannelType : byte
{
    /// <summary>Reliable, ordered.</summary>
    Reliable = 0x00,

    /// <summary>Partially reliable by retransmission count, ordered.</summary>
    PartialReliableRexmit = 0x01,

    /// <summary>Partially reliable by lifetime, ordered.</summary>
    PartialReliableTimed = 0x02,

    /// <summary>Reliable, unordered.</summary>
    ReliableUnordered = 0x80,

    /// <summary>Partially reliable by retransmission count, unordered.</summary>
    PartialReliableRexmitUnordered = 0x81,

    /// <summary>Partially reliable by lifetime, unordered.</summary>
    PartialReliableTimedUnordered = 0x82,
}
