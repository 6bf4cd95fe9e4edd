using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Mesh.Chunking;

/// <summary>A 32-byte chunk hash (SHA-256 of the chunk's bytes), compared by value.</summary>
public readonly struct ChunkHash : IEquatable<ChunkHash>
{
    /// <summary>The size of a hash in bytes.</summary>
    public const int Size = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    /// <summary>Creates a hash from its 32 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public ChunkHash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a chunk hash is {Size} bytes, not {bytes.Length}", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>Hashes <paramref name="data"/> with <see cref="ChunkHasher"/>.</summary>
    public static ChunkHash Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> bytes = stackalloc byte[Size];
        ChunkHasher.Hash(data, bytes);
        return new ChunkHash(bytes);
    }

    /// <summary>Parses 64 hex digits.</summary>
    public static bool TryParse(string? hex, out ChunkHash hash)
    {
        hash = default;
        if (hex is null || hex.Length != Size * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        hash = new ChunkHash(bytes);
        return true;
    }

    /// <summary>Writes the 32 bytes of the hash.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, a chunk hash needs {Size}", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>Returns the 32 bytes of the hash as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <inheritdoc/>
    public bool Equals(ChunkHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ChunkHash other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)_a ^ (int)(_a >> 32);

    /// <summary>The hash as 64 lower-case hex digits.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Whether two hashes are equal.</summary>
    public static bool operator ==(ChunkHash left, ChunkHash right) => left.Equals(right);

    /// <summary>Whether two hashes differ.</summary>
    public static bool operator !=(ChunkHash left, ChunkHash right) => !left.Equals(right);
}
