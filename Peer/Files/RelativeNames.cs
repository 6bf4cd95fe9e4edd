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
}
