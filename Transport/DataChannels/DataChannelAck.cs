namespace Mesh.Transport.DataChannels;

/// <summary>The DCEP DATA_CHANNEL_ACK message (RFC 8832 section 5.2): one byte.</summary>
public static class DataChannelAck
{
    /// <summary>The DCEP message type of ACK.</summary>
    public const byte MessageType = 0x02;

    /// <summary>True if <paramref name="data"/> is an ACK.</summary>
    public static bool Is(ReadOnlySpan<byte> data) => data.Length >= 1 && data[0] == MessageType;
}
