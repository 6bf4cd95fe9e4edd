using Mesh.Peer.Identity;

namespace Mesh.Peer.Links;

/// <summary>
/// What <c>mesh status</c> shows of one direct peer: whether a link is up, the remote address it
/// runs to (the configured address while down), and bytes on the wire summed over every link so far.
/// </summary>
internal sealed record DirectPeerState(DeviceId Device, bool Connected, string Address, long BytesIn, long BytesOut, string Path);
