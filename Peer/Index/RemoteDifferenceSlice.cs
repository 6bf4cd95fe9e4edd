namespace Mesh.Peer.Index;

/// <summary>
/// The peers' differing entries for one range of names, in name order, so that a pull pass can plan and
/// fetch a large folder a bounded number of names at a time.
/// </summary>
/// <param name="Differences">Every device's differing entry for each name in the range.</param>
/// <param name="Last">The last name of the range when more names may follow it; null when the range reached the end.</param>
internal sealed record RemoteDifferenceSlice(List<RemoteDifference> Differences, string? Last);
