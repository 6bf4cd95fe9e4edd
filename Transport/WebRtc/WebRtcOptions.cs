using Mesh.Transport.DataChannels;
using Mesh.Transport.Ice;

namespace Mesh.Transport.WebRtc;

/// <summary>Settings of a <see cref="WebRtcEndpoint"/>.</summary>
public sealed record WebRtcOptions
{
    /// <summary>The ICE settings; the role is set from whether this side offers.</summary>
    public IceAgentOptions Ice { get; init; } = new();

    /// <summary>The DTLS settings.</summary>
    public Dtls.DtlsOptions Dtls { get; init; } = new();

    /// <summary>The data-channel settings; <see cref="DataChannelOptions.MaxMessageSize"/> is advertised as <c>a=max-message-size</c>.</summary>
    public DataChannelOptions DataChannels { get; init; } = new();

    /// <summary>How long ICE may take to select a pair.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
