using System.Diagnostics.CodeAnalysis;

namespace Mesh.Peer.Daemon;

/// <summary>
/// Turns the path of <c>mesh scan --path</c> into a folder-relative, '/'-separated name: relative paths
/// are taken inside the folder, absolute ones must lie inside it, and nothing may climb out with "..".
/// </summary>
internal static class ScanPath
{
    /// <summary>
    /// Resolves <paramref name="path"/> against the folder at <paramref name="root"/>;
    /// <paramref name="relative"/> is null for the whole folder.
    /// </summary>
    public static bool TryResolve(string root, string? path, out string? relative, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(root);
        relative = null;
        problem = null;
        if (string.IsNullOrEmpty(path))
        {
            return true;
        }

        string candidate;
        if (Path.IsPathRooted(path))
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
            if (string.Equals(full, rootFull, StringComparison.Ordinal))
            {
                return true;
            }

            if (!full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                problem = $"{path} is not inside the folder {root}";
                return false;
            }

            candidate = full[(rootFull.Length + 1)..];
        }
        else
        {
            candidate = path;
        }

        var parts = candidate.Split(Path.DirectorySeparatorChar == '/' ? ['/'] : ['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries)
            .Where(part => part != ".")
            .ToList();
        if (parts.Contains(".."))
        {
            problem = $"{path}: '..' may not be used; give a path inside the folder";
            return false;
        }

        relative = parts.Count == 0 ? null : string.Join('/', parts);
        return true;
    }
}
