using System.Buffers.Binary;

namespace Mesh.Transport.Turn;

/// <summary>
/// A ChannelData message (RFC 8656 section 12.4): a 4-byte header (channel number, length) and the
/// application data, the cheap way to relay once a channel is bound. A view over the bytes; no copies.
/// </summary>
public readonly ref struct ChannelDataMessage
{
    /// <summary>The header length.</summary>
    public const int HeaderLength = 4;

    /// <summary>The first channel number.</summary>
    public const ushort MinChannel = 0x4000;

    /// <summary>The last channel number.</summary>
    public const ushort MaxChannel = 0x4FFF;

    /// <summary>Creates a message for writing.</summary>
    public ChannelDataMessage(ushort channel, ReadOnlySpan<byte> data)
    {
        Channel = channel;
        Data = data;
    }

    /// <summary>The channel number, 0x4000 to 0x4FFF.</summary>
    public ushort Channel { get; }

    /// <summary>The application data.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>True when the first byte says ChannelData rather than STUN (its top two bits are 01).</summary>
    public static bool IsChannelData(ReadOnlySpan<byte> datagram) => datagram.Length >= 1 && (datagram[0] & 0xC0) == 0x40;

    /// <summary>The frame's length on a stream (padded to 4, RFC 8656 section 12.5) from its header; false if not ChannelData.</summary>
    public static bool TryGetFrameLength(ReadOnlySpan<byte> header, out int length)
    {
        length = 0;
        if (header.Length < HeaderLength || !IsChannelData(header))
        {
            return false;
        }

        length = HeaderLength + ((BinaryPrimitives.ReadUInt16BigEndian(header[2..]) + 3) & ~3);
        return true;
    }

    /// <summary>Parses a ChannelData message; trailing padding is allowed; false when it is not a valid one.</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out ChannelDataMessage message)
    {
        message = default;
        if (datagram.Length < HeaderLength)
        {
            return false;
        }

        var channel = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (channel is < MinChannel or > MaxChannel || length > datagram.Length - HeaderLength)
        {
            return false;
        }

        message = new ChannelDataMessage(channel, datagram.Slice(HeaderLength, length));
        return true;
    }

    /// <summary>The bytes <see cref="WriteTo"/> writes.</summary>
    public int GetLength(bool pad) => HeaderLength + (pad ? (Data.Length + 3) & ~3 : Data.Length);

    /// <summary>Writes the message, padded to 4 bytes when <paramref name="pad"/> (required over TCP); returns the bytes written.</summary>
    public int WriteTo(Span<byte> destination, bool pad)
    {
        var length = GetLength(pad);
        if (destination.Length < length)
        {
            throw new ArgumentException($"ChannelData needs {length} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, Channel);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)Data.Length);
        Data.CopyTo(destination[HeaderLength..]);
        destination[(HeaderLength + Data.Length)..length].Clear();
        return length;
    }
}
