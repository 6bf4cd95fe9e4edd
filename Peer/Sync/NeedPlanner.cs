using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>
/// Works out, from what connected peers announced and the local index, which names this device needs
/// and how: per name the global winner (a dominating version, or between concurrent ones the
/// <see cref="ConflictRule"/> winner), compared with the local version.
/// </summary>
internal static class NeedPlanner
{
    /// <summary>
    /// The needs, in the order to apply them: index-only changes, directories (parents first), files
    /// and symlinks, then deletes (children first) — files before deletes so a rename can move the
    /// old file instead of copying it.
    /// </summary>
    public static List<Need> Plan(IReadOnlyList<RemoteDifference> announced)
    {
        var needs = new List<Need>();
        foreach (var group in announced.GroupBy(a => a.Name, StringComparer.Ordinal))
        {
            if (CoveredLocally(group))
            {
                continue;
            }

            FileEntry? best = null;
            var bestVersion = VersionVector.Empty;
            var holders = new List<DeviceId>();
            StoredFile? local = null;
            foreach (var difference in group)
            {
                var (device, entry) = (difference.Device, difference.Entry);
                local = difference.Local;
                var version = VersionVector.FromProto(entry.Version);
                if (best is null)
                {
                    (best, bestVersion) = (entry, version);
                    holders.Add(device);
                    continue;
                }

                switch (version.Compare(bestVersion))
                {
                    case VersionOrdering.Equal:
                        holders.Add(device);
                        break;
                    case VersionOrdering.Greater:
                    case VersionOrdering.Concurrent when ConflictRule.Wins(entry, best):
                        (best, bestVersion) = (entry, version);
                        holders = [device];
                        break;
                }
            }

            if (best is null)
            {
                continue;
            }

            if (local is null)
            {
                needs.Add(new Need(best.Deleted ? NeedKind.RecordOnly : KindOf(best), best, bestVersion, holders, null, false));
                continue;
            }

            var localVersion = VersionVector.FromProto(local.Entry.Version);
            switch (bestVersion.Compare(localVersion))
            {
                case VersionOrdering.Greater:
                    needs.Add(new Need(KindFor(best, local), best, bestVersion, holders, local, false));
                    break;
                case VersionOrdering.Concurrent when ConflictRule.SameContent(best, local.Entry):
                    needs.Add(new Need(NeedKind.RecordOnly, local.Entry, bestVersion.Merge(localVersion), holders, local, false));
                    break;
                case VersionOrdering.Concurrent when ConflictRule.Wins(best, local.Entry):
                    var keepCopy = !local.Entry.Deleted && !best.Deleted;
                    needs.Add(new Need(KindFor(best, local), best, bestVersion.Merge(localVersion), holders, local, keepCopy));
                    break;
            }
        }

        return needs.OrderBy(Rank).ThenBy(n => n.Kind == NeedKind.Delete ? string.Empty : n.Entry.Name, StringComparer.Ordinal)
            .ThenByDescending(n => n.Kind == NeedKind.Delete ? n.Entry.Name : string.Empty, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// True when each of <paramref name="local"/>'s versions (entries just recorded here) covers (is newer
    /// than or equal to) every version a peer announced for the same name (<paramref name="announced"/>):
    /// then <see cref="Plan"/> would find none of those names needed, and a pass planned only for them
    /// would be a join over the whole folder that finds nothing. A local rename of a directory of 2,000
    /// files is such a change (the new names are unknown to peers, the old ones older there).
    /// </summary>
    public static bool CoversAnnounced(IReadOnlyList<FileEntry> local, IReadOnlyList<(string Name, byte[] Version)> announced)
    {
        if (announced.Count == 0)
        {
            return true;
        }

        var versions = new Dictionary<string, VersionVector>(local.Count, StringComparer.Ordinal);
        foreach (var entry in local)
        {
            versions[entry.Name] = VersionVector.FromProto(entry.Version);
        }

        foreach (var (name, version) in announced)
        {
            if (!versions.TryGetValue(name, out var mine) ||
                VersionVector.FromProto(Vector.Parser.ParseFrom(version)).Compare(mine) is not (VersionOrdering.Lesser or VersionOrdering.Equal))
            {
                return false;
            }
        }

        return true;
    }

    // True when every announced version of a name is older than (or equal to) the local one: whichever
    // of them the loop below picked, the local version would dominate it and nothing would be needed.
    // Deciding that from the versions alone spares decoding both entries: after a local rename of a
    // directory of 2,000 files, each old name is such a case, and that planning held the index while the
    // index sender waited to announce the rename.
    private static bool CoveredLocally(IEnumerable<RemoteDifference> group)
    {
        foreach (var difference in group)
        {
            if (difference.LocalVersion is null)
            {
                return false;
            }

            var local = VersionVector.FromProto(Vector.Parser.ParseFrom(difference.LocalVersion));
            var announced = VersionVector.FromProto(Vector.Parser.ParseFrom(difference.Version));
            if (announced.Compare(local) is not (VersionOrdering.Lesser or VersionOrdering.Equal))
            {
                return false;
            }
        }

        return true;
    }

    private static NeedKind KindFor(FileEntry best, StoredFile local) =>
        best.Deleted ? (local.Entry.Deleted ? NeedKind.RecordOnly : NeedKind.Delete) : KindOf(best);

    private static NeedKind KindOf(FileEntry entry) =>
        entry.Deleted ? NeedKind.Delete : entry.Type == FileType.Directory ? NeedKind.Directory : NeedKind.File;

    private static int Rank(Need need) => need.Kind switch
    {
        NeedKind.RecordOnly => 0,
        NeedKind.Directory => 1,
        NeedKind.File => 2,
        _ => 3,
    };
}
