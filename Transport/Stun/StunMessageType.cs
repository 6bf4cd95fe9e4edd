namespace Mesh.Transport.Stun;

/// <summary>
/// A STUN message type: a 12-bit method and a 2-bit class, interleaved into 14 bits on the wire
/// (RFC 8489 section 5: M11..M7 C1 M6..M4 C0 M3..M0).
/// </summary>
/// <param name="Method">The method.</param>
/// <param name="Class">The class.</param>
public readonly record struct StunMessageType(StunMethod Method, StunClass Class)
{
    /// <summary>Binding request.</summary>
    public static StunMessageType BindingRequest => new(StunMethod.Binding, StunClass.Request);

    /// <summary>Binding success response.</summary>
    public static StunMessageType BindingSuccess => new(StunMethod.Binding, StunClass.SuccessResponse);

    /// <summary>Binding error response.</summary>
    public static StunMessageType BindingError => new(StunMethod.Binding, StunClass.ErrorResponse);

    /// <summary>The 16-bit value in the header (the top two bits are zero).</summary>
    public ushort Value
    {
        get
        {
            var m = (int)Method & 0xFFF;
            var c = (int)Class & 0x3;
            return (ushort)((m & 0x000F) | ((c & 0x1) << 4) | ((m & 0x0070) << 1) | ((c & 0x2) << 7) | ((m & 0x0F80) << 2));
        }
    }

    /// <summary>Decodes the header's type field; false when the top two bits are not zero.</summary>
    public static bool TryDecode(ushort value, out StunMessageType type)
    {
        if ((value & 0xC000) != 0)
        {
            type = default;
            return false;
        }

        var method = (value & 0x000F) | ((value & 0x00E0) >> 1) | ((value & 0x3E00) >> 2);
        var @class = ((value & 0x0010) >> 4) | ((value & 0x0100) >> 7);
        type = new StunMessageType((StunMethod)method, (StunClass)@class);
        return true;
    }

    /// <summary>The matching success response type of a request type.</summary>
    public StunMessageType SuccessResponse => new(Method, StunClass.SuccessResponse);

    /// <summary>The matching error response type of a request type.</summary>
    public StunMessageType ErrorResponse => new(Method, StunClass.ErrorResponse);

    /// <inheritdoc/>
    public override string ToString() => $"{Method} {Class}";
}
