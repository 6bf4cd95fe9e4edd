using Mesh.Peer.Identity;

namespace Mesh.Peer.Links;

/// <summary>
/// A peer device reached at a static address, like Syncthing's <c>tcp://host:port</c>. An empty
/// <paramref name="Host"/> or a zero <paramref name="Port"/> means the peer is never dialled, only accepted.
/// </summary>
internal sealed record DirectPeer(DeviceId Device, string Host, int Port)
{
    /// <summary>True when there is an address to dial.</summary>
    public bool CanDial => !string.IsNullOrEmpty(Host) && Port is > 0 and <= 65535;

    /// <summary>The configured address as <c>tcp://host:port</c> (IPv6 literals in brackets), or empty.</summary>
    public string Address => CanDial ? DirectAddress.Format(Host, Port) : string.Empty;
}
