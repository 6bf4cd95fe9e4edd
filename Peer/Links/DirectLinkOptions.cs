namespace Mesh.Peer.Links;

/// <summary>Tunables of a <see cref="DirectLinkService"/>; tests shorten the intervals.</summary>
internal sealed record DirectLinkOptions
{
    /// <summary>First pause before dialling a peer again after a failure or a lost link.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The pause doubles after each failed dial up to this.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest wait for a TCP connection to open.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Settings of the links themselves.</summary>
    public TlsLinkOptions Tls { get; init; } = new();
}
