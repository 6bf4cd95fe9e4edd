using System.Buffers.Binary;

namespace Mesh.Transport.Sctp.Chunks;

/// <summary>
/// The fixed fields INIT and INIT ACK share (RFC 9260 sections 3.3.2 and 3.3.3), followed by their
/// variable-length parameters, which stay as raw TLVs for <see cref="Parameters.ParameterReader"/>.
/// </summary>
public readonly ref struct InitFields
{
    /// <summary>Bytes of fixed fields after the chunk header.</summary>
    public const int FixedSize = 16;

    /// <summary>Creates the fields.</summary>
    public InitFields(uint initiateTag, uint advertisedWindow, ushort outboundStreams, ushort inboundStreams, uint initialTsn, ReadOnlySpan<byte> parameters)
    {
        InitiateTag = initiateTag;
        AdvertisedWindow = advertisedWindow;
        OutboundStreams = outboundStreams;
        InboundStreams = inboundStreams;
        InitialTsn = initialTsn;
        Parameters = parameters;
    }

    /// <summary>The tag the peer must put in every packet it sends to this side.</summary>
    public uint InitiateTag { get; }

    /// <summary>The sender's initial receive window in bytes.</summary>
    public uint AdvertisedWindow { get; }

    /// <summary>Number of outbound streams the sender wants.</summary>
    public ushort OutboundStreams { get; }

    /// <summary>Maximum number of inbound streams the sender allows.</summary>
    public ushort InboundStreams { get; }

    /// <summary>The TSN the sender's first DATA chunk will carry.</summary>
    public uint InitialTsn { get; }

    /// <summary>The parameters, as TLVs.</summary>
    public ReadOnlySpan<byte> Parameters { get; }

    /// <summary>Length of header, fixed fields and parameters, unpadded.</summary>
    public int Length => ChunkHeader.Size + FixedSize + Parameters.Length;

    /// <summary>Parses a chunk of <paramref name="type"/>; false if malformed or if a field breaks RFC 9260's rules (zero tag or zero stream counts).</summary>
    public static bool TryParse(ReadOnlySpan<byte> chunk, ChunkType type, out InitFields fields)
    {
        fields = default;
        if (!ChunkHeader.TryParse(chunk, out var header) || header.Type != type || header.Length < ChunkHeader.Size + FixedSize)
        {
            return false;
        }

        var body = chunk[ChunkHeader.Size..header.Length];
        fields = new InitFields(
            BinaryPrimitives.ReadUInt32BigEndian(body),
            BinaryPrimitives.ReadUInt32BigEndian(body[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(body[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(body[10..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[12..]),
            body[FixedSize..]);
        return fields.InitiateTag != 0 && fields.OutboundStreams != 0 && fields.InboundStreams != 0;
    }

    /// <summary>Writes a chunk of <paramref name="type"/> and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination, ChunkType type)
    {
        var body = destination[ChunkHeader.Size..];
        BinaryPrimitives.WriteUInt32BigEndian(body, InitiateTag);
        BinaryPrimitives.WriteUInt32BigEndian(body[4..], AdvertisedWindow);
        BinaryPrimitives.WriteUInt16BigEndian(body[8..], OutboundStreams);
        BinaryPrimitives.WriteUInt16BigEndian(body[10..], InboundStreams);
        BinaryPrimitives.WriteUInt32BigEndian(body[12..], InitialTsn);
        Parameters.CopyTo(body[FixedSize..]);
        return new ChunkHeader(type, 0, (ushort)Length).WriteTo(destination);
    }
}
