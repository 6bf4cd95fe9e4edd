namespace Mesh.Transport.Stun;

/// <summary>STUN methods used by Mesh: Binding (RFC 8489) and the TURN methods (RFC 8656).</summary>
public enum StunMethod : ushort
{
    /// <summary>Binding: learn the reflexive address; ICE connectivity checks.</summary>
    Binding = 0x001,

    /// <summary>TURN Allocate.</summary>
    Allocate = 0x003,

    /// <summary>TURN Refresh.</summary>
    Refresh = 0x004,

    /// <summary>TURN Send (indication).</summary>
    Send = 0x006,

    /// <summary>TURN Data (indication).</summary>
    Data = 0x007,

    /// <summary>TURN CreatePermission.</summary>
    CreatePermission = 0x008,

    /// <summary>TURN ChannelBind.</summary>
    ChannelBind = 0x009,
}
