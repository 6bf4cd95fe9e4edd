using System.Security.Cryptography;

namespace Mesh.Peer.Cli;

/// <summary>
/// Everything <c>mesh demo</c> compares between the two copies: each directory, and each file's SHA-256,
/// by relative path (engine files such as temporaries are left out).
/// </summary>
internal static class TreeDigest
{
    /// <summary>Relative path → "dir" or the file's hex SHA-256, sorted.</summary>
    public static SortedDictionary<string, string> Of(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, entry).Replace(Path.DirectorySeparatorChar, '/');
            if (Sync.EngineFiles.IsEngineName(relative))
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                result[relative] = "dir";
            }
            else
            {
                using var stream = File.OpenRead(entry);
                result[relative] = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
        }

        return result;
    }

    /// <summary>Whether both trees hold the same directories and the same file contents.</summary>
    public static bool Same(string a, string b) => Of(a).SequenceEqual(Of(b));
}
