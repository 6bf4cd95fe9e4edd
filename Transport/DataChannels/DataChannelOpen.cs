using System.Buffers.Binary;
using System.Text;

namespace Mesh.Transport.DataChannels;

/// <summary>The DCEP DATA_CHANNEL_OPEN message (RFC 8832 section 5.1).</summary>
public readonly record struct DataChannelOpen(DataChannelType ChannelType, ushort Priority, uint ReliabilityParameter, string Label, string Protocol)
{
    /// <summary>The DCEP message type of OPEN.</summary>
    public const byte MessageType = 0x03;

    private const int FixedSize = 12;

    /// <summary>The encoded length.</summary>
    public int Length => FixedSize + Encoding.UTF8.GetByteCount(Label) + Encoding.UTF8.GetByteCount(Protocol);

    /// <summary>True if the channel delivers in order.</summary>
    public bool Ordered => ((byte)ChannelType & 0x80) == 0;

    /// <summary>Parses the message; false if it is not an OPEN or its lengths do not fit.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out DataChannelOpen open)
    {
        open = default;
        if (data.Length < FixedSize || data[0] != MessageType)
        {
            return false;
        }

        int labelLength = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        int protocolLength = BinaryPrimitives.ReadUInt16BigEndian(data[10..]);
        if (data.Length != FixedSize + labelLength + protocolLength)
        {
            return false;
        }

        open = new DataChannelOpen(
            (DataChannelType)data[1],
            BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            Encoding.UTF8.GetString(data.Slice(FixedSize, labelLength)),
            Encoding.UTF8.GetString(data.Slice(FixedSize + labelLength, protocolLength)));
        return true;
    }

    /// <summary>Writes the message and returns its length.</summary>
    public int WriteTo(Span<byte> destination)
    {
        destination[0] = MessageType;
        destination[1] = (byte)ChannelType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Priority);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ReliabilityParameter);
        var labelLength = Encoding.UTF8.GetBytes(Label, destination[FixedSize..]);
        var protocolLength = Encoding.UTF8.GetBytes(Protocol, destination[(FixedSize + labelLength)..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], (ushort)labelLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], (ushort)protocolLength);
        return FixedSize + labelLength + protocolLength;
    }
}
