using System.Buffers.Binary;

namespace Mesh.Transport.Sctp.Chunks;

/// <summary>The 4-byte header every chunk starts with: type, flags and length (header included, padding not).</summary>
public readonly record struct ChunkHeader(ChunkType Type, byte Flags, ushort Length)
{
    /// <summary>The header's size in bytes.</summary>
    public const int Size = 4;

    /// <summary>Parses a header whose length fits in <paramref name="data"/>; false otherwise.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out ChunkHeader header)
    {
        header = default;
        if (data.Length < Size)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (length < Size || length > data.Length)
        {
            return false;
        }

        header = new ChunkHeader((ChunkType)data[0], data[1], length);
        return true;
    }

    /// <summary>Rounds a length up to the 4-byte boundary chunks and parameters are padded to.</summary>
    public static int Padded(int length) => (length + 3) & ~3;

    /// <summary>Writes the header, zeroes the padding after <see cref="Length"/> and returns the padded length.</summary>
    public int WriteTo(Span<byte> destination)
    {
        destination[0] = (byte)Type;
        destination[1] = Flags;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Length);
        var padded = Padded(Length);
        destination[Length..padded].Clear();
        return padded;
    }
}
