using System.Globalization;

namespace Mesh.Peer.Sync;

/// <summary>
/// The fixed name of a conflict copy: <c>&lt;name&gt;.sync-conflict-&lt;yyyyMMdd-HHmmss&gt;-&lt;short device id&gt;.&lt;ext&gt;</c>,
/// the extension kept last so the copy still opens with the same program.
/// </summary>
internal static class ConflictName
{
    /// <summary>The marker that every conflict copy's name contains.</summary>
    public const string Marker = ".sync-conflict-";

    /// <summary>The conflict copy name for <paramref name="name"/> (a folder-relative, '/'-separated name).</summary>
    public static string For(string name, DateTimeOffset when, string shortDeviceId)
    {
        var slash = name.LastIndexOf('/');
        var directory = slash >= 0 ? name[..(slash + 1)] : string.Empty;
        var file = name[(slash + 1)..];
        var dot = file.LastIndexOf('.');
        // A leading dot is a hidden file, not an extension.
        var (stem, extension) = dot > 0 ? (file[..dot], file[dot..]) : (file, string.Empty);
        var stamp = when.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return $"{directory}{stem}{Marker}{stamp}-{shortDeviceId}{extension}";
    }
}
