namespace Mesh.Peer.Files;

/// <summary>Operations on folder-relative names ('/'-separated, no leading slash), as the index stores them.</summary>
internal static class RelativeNames
{
    /// <summary>
    /// The deepest directory holding both <paramref name="a"/> and <paramref name="b"/>, or null when that
    /// is the folder itself. A scan of it sees both names at once, which is what rename detection needs.
    /// </summary>
    public static string? CommonParent(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var parent = a;
        while (true)
        {
            var slash = parent.LastIndexOf('/');
            if (slash < 0)
            {
                return null;
            }

            parent = parent[..slash];
            if (b.StartsWith(parent + "/", StringComparison.Ordinal))
            {
                return parent;
            }
        }
    }

    /// <summary>
    /// The names of <paramref name="names"/> that are not below another of them, each once, in ordinal
    /// order: scanning these covers every name given.
    /// </summary>
    public static List<string> Outermost(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        // Ordinal order puts every name after its ancestors; checking each ancestor (not only the last name
        // kept) matters because a sibling such as "a-x" sorts between "a" and "a/b".
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var name in names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var covered = false;
            for (var slash = name.IndexOf('/'); slash >= 0 && !covered; slash = name.IndexOf('/', slash + 1))
            {
                covered = kept.Contains(name[..slash]);
            }

            if (!covered)
            {
                kept.Add(name);
                result.Add(name);
            }
        }

        return result;
    }
}
