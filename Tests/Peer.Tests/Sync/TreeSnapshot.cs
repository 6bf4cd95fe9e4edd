using System.Security.Cryptography;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

/// <summary>A folder tree as a sorted text: every directory, file hash and symlink target, engine files left out.</summary>
internal static class TreeSnapshot
{
    public static string Of(string root)
    {
        var lines = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var name = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (EngineFiles.IsEngineName(name))
            {
                continue;
            }

            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                lines.Add($"L {name} -> {target}");
            }
            else if (Directory.Exists(path))
            {
                lines.Add($"D {name}");
            }
            else
            {
                lines.Add($"F {name} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))[..16]}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines);
    }

    public static bool Same(TestDevice a, TestDevice b) => Of(a.FolderPath) == Of(b.FolderPath);
}
