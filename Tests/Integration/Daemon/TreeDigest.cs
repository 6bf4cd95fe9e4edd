using System.Security.Cryptography;

namespace Mesh.Integration.Daemon;

/// <summary>
/// What a synced folder holds, path by path: directories, symlink targets and file content hashes. Engine
/// files (temporary files, <c>.mesh/</c>, <c>.meshignore</c>) are left out; they are never synced.
/// </summary>
internal static class TreeDigest
{
    public static SortedDictionary<string, string> Of(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(root, root, result);
        return result;
    }

    public static bool IsEngineFile(string name) =>
        name is ".mesh" or ".meshignore" || (name.StartsWith(".mesh.", StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal));

    /// <summary>The paths that differ between two digests, for assertion messages.</summary>
    public static string Differences(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        var lines = a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => !a.TryGetValue(k, out var x) || !b.TryGetValue(k, out var y) || x != y)
            .Take(10)
            .Select(k => $"{k}: A={a.GetValueOrDefault(k, "-")} B={b.GetValueOrDefault(k, "-")}");
        return string.Join('\n', lines);
    }

    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void Walk(string root, string directory, SortedDictionary<string, string> result)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (IsEngineFile(entry.Name))
            {
                continue;
            }

            var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            if (entry.LinkTarget is { } target)
            {
                result[relative] = "link:" + target;
            }
            else if (entry is DirectoryInfo)
            {
                result[relative] = "dir";
                Walk(root, entry.FullName, result);
            }
            else
            {
                result[relative] = "file:" + HashFile(entry.FullName);
            }
        }
    }
}
