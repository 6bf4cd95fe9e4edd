namespace Mesh.Peer.Index;

/// <summary>How far this device has the index of one peer for one folder.</summary>
/// <param name="IndexId">The peer's index generation the stored entries belong to.</param>
/// <param name="MaxSequence">The highest sequence of that generation stored here.</param>
internal readonly record struct PeerProgress(ulong IndexId, ulong MaxSequence);
