namespace Mesh.Peer.Control;

/// <summary>
/// What <c>mesh status --json</c> prints. Other tools read these field names: fields may be added,
/// never renamed.
/// </summary>
/// <param name="DeviceId">This device's ID.</param>
/// <param name="Name">This device's name.</param>
/// <param name="Listen">The address the daemon listens on (with the bound port), or null when not listening.</param>
/// <param name="Folders">Per folder state.</param>
/// <param name="Peers">Per configured peer.</param>
internal sealed record StatusReport(string DeviceId, string Name, string? Listen, IReadOnlyList<FolderReport> Folders, IReadOnlyList<PeerReport> Peers);
