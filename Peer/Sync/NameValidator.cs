using System.Text;

namespace Mesh.Peer.Sync;

/// <summary>
/// Checks names that come from peers before they reach the file system. A valid name is relative,
/// NFC, '/'-separated, without empty, <c>.</c> or <c>..</c> components, without NUL, control characters
/// or backslashes, and never names one of the engine's own files (temporary files, <c>.meshignore</c>,
/// the <c>.mesh</c> folder).
/// </summary>
internal static class NameValidator
{
    /// <summary>Longest name accepted, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 4096;

    /// <summary>Longest component accepted, in UTF-8 bytes (the common file-system limit).</summary>
    public const int MaxComponentBytes = 255;

    /// <summary>Returns null when <paramref name="name"/> is acceptable, else why not.</summary>
    public static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "empty name";
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
        {
            return "name too long";
        }

        if (name[0] == '/' || (name.Length >= 2 && name[1] == ':'))
        {
            return "absolute path";
        }

        foreach (var c in name)
        {
            if (c == '\0')
            {
                return "NUL in name";
            }

            if (char.IsControl(c))
            {
                return "control character in name";
            }

            if (c == '\\')
            {
                return "backslash in name";
            }
        }

        if (!Nfc.IsNormalized(name))
        {
            return "name is not NFC";
        }

        var components = name.Split('/');
        foreach (var component in components)
        {
            if (component.Length == 0 || component == "." || component == "..")
            {
                return "empty, '.' or '..' component";
            }

            if (Encoding.UTF8.GetByteCount(component) > MaxComponentBytes)
            {
                return "component too long";
            }

            if (EngineFiles.IsTemporary(component))
            {
                return "name of an engine temporary file";
            }
        }

        if (string.Equals(components[0], EngineFiles.StateFolder, StringComparison.OrdinalIgnoreCase) ||
            (components.Length == 1 && string.Equals(components[0], EngineFiles.IgnoreFile, StringComparison.OrdinalIgnoreCase)))
        {
            return "name of an engine file";
        }

        return null;
    }

    /// <summary>True when a component is a device name Windows reserves (CON, NUL, COM1, …) or ends in a dot or space.</summary>
    public static bool ReservedOnWindows(string name)
    {
        foreach (var component in name.Split('/'))
        {
            var stem = component.Split('.')[0].ToUpperInvariant();
            if (stem is "CON" or "PRN" or "AUX" or "NUL" || (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal)) && char.IsAsciiDigit(stem[3])) ||
                component.EndsWith('.') || component.EndsWith(' ') || component.IndexOfAny(['<', '>', ':', '"', '|', '?', '*']) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="name"/> passes <see cref="Check"/>.</summary>
    public static bool IsValid(string? name) => Check(name) is null;
}
