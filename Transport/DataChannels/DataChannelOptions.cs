using Mesh.Transport.Sctp;

namespace Mesh.Transport.DataChannels;

/// <summary>Settings of a <see cref="DataChannelConnection"/>.</summary>
public sealed record DataChannelOptions
{
    /// <summary>The largest message this side accepts, advertised as <c>a=max-message-size</c>; browsers refuse to send more than the peer advertises.</summary>
    public int MaxMessageSize { get; init; } = 256 * 1024;

    /// <summary>The largest message the peer accepts, from its <c>a=max-message-size</c>; 64 KiB when it sent none (RFC 8841 section 6.1).</summary>
    public int RemoteMaxMessageSize { get; init; } = 64 * 1024;

    /// <summary>A send waits while more than this many bytes are queued or unacknowledged.</summary>
    public long BufferedAmountHighThreshold { get; init; } = 4 * 1024 * 1024;

    /// <summary>Waiting sends resume once the queue has drained to this level.</summary>
    public long BufferedAmountLowThreshold { get; init; } = 2 * 1024 * 1024;

    /// <summary>The SCTP settings; <see cref="AssociationOptions.Mtu"/> and the message limit are set from the path and <see cref="MaxMessageSize"/>.</summary>
    public AssociationOptions Sctp { get; init; } = new();

    /// <summary>How long the SCTP handshake may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
