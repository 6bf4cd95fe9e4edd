namespace Mesh.Transport.DataChannels;

/// <summary>SCTP payload protocol identifiers used by WebRTC data channels (RFC 8831 section 8).</summary>
public enum DataChannelPpid : uint
{
    /// <summary>A DCEP control message (RFC 8832).</summary>
    Dcep = 50,

    /// <summary>A UTF-8 text message.</summary>
    String = 51,

    /// <summary>A binary message.</summary>
    Binary = 53,

    /// <summary>An empty text message (carried as one ignored byte, since SCTP cannot carry none).</summary>
    StringEmpty = 56,

    /// <summary>An empty binary message (carried as one ignored byte).</summary>
    BinaryEmpty = 57,
}
