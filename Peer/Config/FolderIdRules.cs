using System.Diagnostics.CodeAnalysis;

namespace Mesh.Peer.Config;

/// <summary>
/// What a folder ID may look like: 1-64 ASCII letters, digits, '.', '_' or '-', not starting with '.'.
/// IDs travel in Hello messages and status output and are typed on command lines, so they stay plain.
/// </summary>
internal static class FolderIdRules
{
    /// <summary>Longest allowed ID.</summary>
    public const int MaxLength = 64;

    /// <summary>Checks an ID; <paramref name="problem"/> says what is wrong otherwise.</summary>
    public static bool IsValid(string id, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length is 0 or > MaxLength)
        {
            problem = $"folder id '{id}' must be 1 to {MaxLength} characters";
            return false;
        }

        if (id[0] == '.' || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            problem = $"folder id '{id}' may hold only letters, digits, '.', '_' and '-' (and not start with '.')";
            return false;
        }

        problem = null;
        return true;
    }
}
