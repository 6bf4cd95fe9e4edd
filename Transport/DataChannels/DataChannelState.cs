namespace Mesh.Transport.DataChannels;

/// <summary>The life of one data channel.</summary>
public enum DataChannelState
{
    /// <summary>OPEN sent, ACK not yet received.</summary>
    Connecting,

    /// <summary>Messages flow.</summary>
    Open,

    /// <summary>Its stream is being reset.</summary>
    Closing,

    /// <summary>Closed; terminal.</summary>
    Closed,
}
