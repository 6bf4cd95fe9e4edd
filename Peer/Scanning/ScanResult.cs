namespace Mesh.Peer.Scanning;

/// <summary>What one scan found.</summary>
/// <param name="Examined">Entries looked at on disk.</param>
/// <param name="Changed">New versions recorded (changes, new names, deletes).</param>
/// <param name="HashedBytes">Bytes read to hash changed files.</param>
/// <param name="Requeued">Files that kept changing while read; left for the next scan.</param>
/// <param name="MayNeed">
/// True when a peer announced, for a name this scan recorded, a version the new local one does not cover:
/// only such a change can make something needed that was not (see <see cref="Sync.NeedPlanner.CoversAnnounced"/>).
/// </param>
internal sealed record ScanResult(int Examined, int Changed, long HashedBytes, int Requeued, bool MayNeed);
