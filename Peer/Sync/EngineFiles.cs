namespace Mesh.Peer.Sync;

/// <summary>
/// The fixed names of the files the engine itself keeps inside a synced folder. They are never
/// scanned, never announced and never accepted from a peer.
/// </summary>
internal static class EngineFiles
{
    /// <summary>The ignore file at the folder root (gitignore syntax); local to each device.</summary>
    public const string IgnoreFile = ".meshignore";

    /// <summary>A folder at the root reserved for engine state.</summary>
    public const string StateFolder = ".mesh";

    private const string TempPrefix = ".mesh.";
    private const string TempSuffix = ".tmp";

    /// <summary>
    /// The temporary file a pull of <paramref name="fileName"/> writes into, next to it:
    /// <c>.mesh.&lt;file name&gt;.tmp</c>. Same folder, so the final rename is atomic; a fixed name, so an
    /// interrupted pull resumes from it.
    /// </summary>
    public static string TemporaryFor(string fileName) => TempPrefix + fileName + TempSuffix;

    /// <summary>The file name a temporary file is assembling (the inverse of <see cref="TemporaryFor"/>).</summary>
    public static string TargetOf(string temporaryFileName) =>
        temporaryFileName[TempPrefix.Length..^TempSuffix.Length];

    /// <summary>True when a file name (one component) is an engine temporary file.</summary>
    public static bool IsTemporary(string fileName) =>
        fileName.StartsWith(TempPrefix, StringComparison.Ordinal) && fileName.EndsWith(TempSuffix, StringComparison.Ordinal);

    /// <summary>True for names at the folder root the engine keeps for itself.</summary>
    public static bool IsEngineName(string relativeName)
    {
        var slash = relativeName.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? relativeName : relativeName[..slash];
        var last = relativeName[(relativeName.LastIndexOf('/') + 1)..];
        return IsTemporary(last) || string.Equals(first, StateFolder, StringComparison.Ordinal) ||
               (slash < 0 && string.Equals(first, IgnoreFile, StringComparison.Ordinal));
    }
}
