using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>
/// A directory renamed elsewhere, as one pull pass sees it: every local entry below <see cref="From"/>
/// is deleted, and the same entries (same relative names, same content) appear below
/// <see cref="To"/>, which this device does not have. Such a rename can be applied as one
/// <c>rename(2)</c> of the directory instead of one move per file.
/// </summary>
/// <param name="Source">The delete of the old directory.</param>
/// <param name="Target">The new directory.</param>
/// <param name="Members">Per entry below the old directory: its delete and the need that recreates it below the new one.</param>
internal sealed record DirectoryMove(Need Source, Need Target, IReadOnlyList<(Need Delete, Need Add)> Members)
{
    /// <summary>Name of the old directory.</summary>
    public string From => Source.Entry.Name;

    /// <summary>Name of the new directory.</summary>
    public string To => Target.Entry.Name;

    /// <summary>Every need the move satisfies.</summary>
    public IEnumerable<Need> Needs => Members.SelectMany(m => new[] { m.Delete, m.Add }).Append(Source).Append(Target);

    /// <summary>
    /// The directory renames in a pass's needs, outermost first and never overlapping. Only the plan is
    /// read here; whether the disk still holds what the plan assumed is checked when the move is applied.
    /// </summary>
    public static List<DirectoryMove> Find(IReadOnlyList<Need> needs)
    {
        var sources = needs.Where(n => n.Kind == NeedKind.Delete && n.Local is { Entry: { Deleted: false, Type: FileType.Directory } })
            .OrderBy(n => n.Entry.Name, StringComparer.Ordinal).ToList();
        var moves = new List<DirectoryMove>();
        if (sources.Count == 0)
        {
            return moves;
        }

        var targets = needs.Where(n => n.Kind == NeedKind.Directory && !n.Conflict && n.Local is null or { Entry.Deleted: true })
            .OrderBy(n => n.Entry.Name, StringComparer.Ordinal).ToList();
        if (targets.Count == 0)
        {
            return moves;
        }

        var deletes = needs.Where(n => n.Kind == NeedKind.Delete).OrderBy(n => n.Entry.Name, StringComparer.Ordinal).ToList();
        var adds = needs.Where(n => n.Kind is NeedKind.File or NeedKind.Directory).ToDictionary(n => n.Entry.Name, StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (IsBelowAny(source.Entry.Name, used))
            {
                continue;
            }

            var members = Below(deletes, source.Entry.Name);
            if (members.Count == 0)
            {
                // An empty directory costs as little either way.
                continue;
            }

            foreach (var target in targets)
            {
                if (used.Contains(target.Entry.Name) || IsBelowAny(target.Entry.Name, used) || Overlaps(source.Entry.Name, target.Entry.Name))
                {
                    continue;
                }

                if (Pair(source.Entry.Name, target.Entry.Name, members, adds) is { } pairs)
                {
                    moves.Add(new DirectoryMove(source, target, pairs));
                    used.Add(source.Entry.Name);
                    used.Add(target.Entry.Name);
                    break;
                }
            }
        }

        return moves;
    }

    // The deletes strictly below a directory; the list is sorted, so they are one contiguous run.
    private static List<Need> Below(List<Need> sortedDeletes, string directory)
    {
        var prefix = directory + "/";
        var start = sortedDeletes.BinarySearch(new Need(NeedKind.Delete, new FileEntry { Name = prefix }, VersionVector.Empty, [], null, false),
            Comparer<Need>.Create((x, y) => string.CompareOrdinal(x.Entry.Name, y.Entry.Name)));
        if (start < 0)
        {
            start = ~start;
        }

        var result = new List<Need>();
        for (var i = start; i < sortedDeletes.Count && sortedDeletes[i].Entry.Name.StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            result.Add(sortedDeletes[i]);
        }

        return result;
    }

    // Null unless every live local entry below `from` reappears below `to` with the same content, as a
    // name this device does not have yet.
    private static List<(Need Delete, Need Add)>? Pair(string from, string to, List<Need> members, Dictionary<string, Need> adds)
    {
        var pairs = new List<(Need Delete, Need Add)>(members.Count);
        foreach (var delete in members)
        {
            if (delete.Local is not { Entry.Deleted: false } local)
            {
                continue;
            }

            var relative = delete.Entry.Name[(from.Length + 1)..];
            if (!adds.TryGetValue(to + "/" + relative, out var add) || add.Conflict || add.Local is { Entry.Deleted: false } ||
                !ConflictRule.SameContent(local.Entry, add.Entry))
            {
                return null;
            }

            pairs.Add((delete, add));
        }

        return pairs.Count == 0 ? null : pairs;
    }

    private static bool Overlaps(string a, string b) =>
        a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);

    private static bool IsBelowAny(string name, HashSet<string> directories)
    {
        for (var slash = name.LastIndexOf('/'); slash > 0; slash = name.LastIndexOf('/', slash - 1))
        {
            if (directories.Contains(name[..slash]))
            {
                return true;
            }
        }

        return false;
    }
}
