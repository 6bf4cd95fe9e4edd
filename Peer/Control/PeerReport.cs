namespace Mesh.Peer.Control;

/// <summary>One configured peer in a <see cref="StatusReport"/>.</summary>
/// <param name="DeviceId">The peer's device ID.</param>
/// <param name="Connected">Whether a link to it is up.</param>
/// <param name="Path">Which path the link takes (<c>tcp-tls</c>), or null when not connected.</param>
/// <param name="Address">The peer's address (as connected, else as configured).</param>
/// <param name="BytesIn">Bytes received from it since the daemon started.</param>
/// <param name="BytesOut">Bytes sent to it since the daemon started.</param>
/// <param name="Folders">Per folder shared with it: how far its announced copy is from this device's.</param>
internal sealed record PeerReport(string DeviceId, bool Connected, string? Path, string? Address, long BytesIn, long BytesOut, IReadOnlyList<PeerFolderReport> Folders);
