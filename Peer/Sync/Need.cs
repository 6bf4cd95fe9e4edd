using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>One name this device needs to change to match the global state.</summary>
/// <param name="Kind">What it takes.</param>
/// <param name="Entry">The winning entry to end up with.</param>
/// <param name="Version">The version to record locally: the winner's, merged with a concurrent local one.</param>
/// <param name="Holders">Connected devices that announced exactly the winning version.</param>
/// <param name="Local">What the local index has for the name now.</param>
/// <param name="Conflict">True when a concurrent local change loses and must be kept as a conflict copy.</param>
internal sealed record Need(NeedKind Kind, FileEntry Entry, VersionVector Version, IReadOnlyList<DeviceId> Holders, StoredFile? Local, bool Conflict);
