using Mesh.Peer.Identity;
using Mesh.Proto;

namespace Mesh.Peer.Index;

/// <summary>
/// A peer's entry whose version differs from the local one, with the local record of the same name read
/// in the same query, so planning a pass of thousands of names costs one query instead of one per name.
/// </summary>
/// <param name="Device">The peer that announced <paramref name="Entry"/>.</param>
/// <param name="Entry">The peer's entry.</param>
/// <param name="Local">This device's record of the name (a tombstone included), or null when it has none.</param>
internal sealed record RemoteDifference(DeviceId Device, FileEntry Entry, StoredFile? Local);
