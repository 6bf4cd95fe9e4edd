using System.Security.Cryptography;

namespace Mesh.Transport;

/// <summary>
/// A <see cref="Random"/> backed by the operating system's cryptographic generator. Protocol code takes
/// a <see cref="Random"/> so the simulator can pass a seeded one; production passes this, because ICE
/// credentials, STUN transaction IDs and SCTP verification tags must be unpredictable.
/// </summary>
public sealed class SecureRandom : Random
{
    /// <summary>One shared instance; it is thread-safe.</summary>
    public static SecureRandom Instance { get; } = new();

    /// <inheritdoc/>
    public override int Next() => Next(int.MaxValue);

    /// <inheritdoc/>
    public override int Next(int maxValue) => maxValue <= 0 ? 0 : RandomNumberGenerator.GetInt32(maxValue);

    /// <inheritdoc/>
    public override int Next(int minValue, int maxValue) =>
        minValue >= maxValue ? minValue : RandomNumberGenerator.GetInt32(minValue, maxValue);

    /// <inheritdoc/>
    public override void NextBytes(byte[] buffer) => RandomNumberGenerator.Fill(buffer);

    /// <inheritdoc/>
    public override void NextBytes(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);

    /// <inheritdoc/>
    public override double NextDouble() => (RandomNumberGenerator.GetInt32(1 << 26) * (double)(1 << 27) + RandomNumberGenerator.GetInt32(1 << 27)) / (1L << 53);

    /// <inheritdoc/>
    protected override double Sample() => NextDouble();
}
