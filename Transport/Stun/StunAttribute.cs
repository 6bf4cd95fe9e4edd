namespace Mesh.Transport.Stun;

/// <summary>An attribute the codec has no typed property for, kept as its raw value so it round-trips.</summary>
/// <param name="Type">The attribute type.</param>
/// <param name="Value">The value, without padding.</param>
public readonly record struct StunAttribute(ushort Type, ReadOnlyMemory<byte> Value)
{
    /// <summary>True for types below 0x8000, which a receiver must understand or reject the message.</summary>
    public bool IsComprehensionRequired => Type < 0x8000;
}
