using Mesh.Peer.Identity;

namespace Mesh.Peer.Config;

/// <summary>One <c>[[peer]]</c> of the configuration: a device this one talks to.</summary>
/// <param name="DeviceId">The peer's device ID; its certificate must match it.</param>
/// <param name="Address">Where the peer listens.</param>
/// <param name="Folders">IDs of the folders shared with it (each must also be a <c>[[folder]]</c>).</param>
internal sealed record PeerConfig(DeviceId DeviceId, TcpAddress Address, IReadOnlyList<string> Folders);
