using System.Buffers.Binary;

namespace Mesh.Transport.Sctp.Parameters;

/// <summary>One type-length-value parameter (or error cause, which has the same shape) read from a chunk.</summary>
public readonly ref struct Parameter
{
    /// <summary>The 4-byte TLV header size.</summary>
    public const int HeaderSize = 4;

    /// <summary>Creates a parameter view.</summary>
    public Parameter(ushort type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>The type code (a <see cref="ParameterType"/> or an error cause code).</summary>
    public ushort Type { get; }

    /// <summary>The value, without header or padding.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Writes one TLV and returns its padded length.</summary>
    public static int Write(Span<byte> destination, ushort type, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(HeaderSize + value.Length));
        value.CopyTo(destination[HeaderSize..]);
        var padded = Chunks.ChunkHeader.Padded(HeaderSize + value.Length);
        destination[(HeaderSize + value.Length)..padded].Clear();
        return padded;
    }
}
