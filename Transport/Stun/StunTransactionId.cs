using System.Buffers.Binary;
using System.Globalization;

namespace Mesh.Transport.Stun;

/// <summary>The 96-bit transaction ID of a STUN message, as a value.</summary>
public readonly struct StunTransactionId : IEquatable<StunTransactionId>
{
    /// <summary>Its length in bytes.</summary>
    public const int Length = 12;

    private readonly uint high;
    private readonly ulong low;

    private StunTransactionId(uint high, ulong low)
    {
        this.high = high;
        this.low = low;
    }

    /// <summary>A fresh random ID; <paramref name="random"/> should be <see cref="SecureRandom.Instance"/> outside simulations.</summary>
    public static StunTransactionId New(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[Length];
        random.NextBytes(bytes);
        return Read(bytes);
    }

    /// <summary>Reads 12 bytes.</summary>
    public static StunTransactionId Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Length)
        {
            throw new ArgumentException("A transaction ID is 12 bytes.", nameof(source));
        }

        return new StunTransactionId(BinaryPrimitives.ReadUInt32BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source[4..]));
    }

    /// <summary>Writes the 12 bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[4..], low);
    }

    /// <inheritdoc/>
    public bool Equals(StunTransactionId other) => high == other.high && low == other.low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StunTransactionId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(high, low);

    /// <inheritdoc/>
    public override string ToString() => high.ToString("x8", CultureInfo.InvariantCulture) + low.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Equality.</summary>
    public static bool operator ==(StunTransactionId left, StunTransactionId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(StunTransactionId left, StunTransactionId right) => !left.Equals(right);
}
