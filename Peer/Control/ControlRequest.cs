using System.Text.Json.Serialization;

namespace Mesh.Peer.Control;

/// <summary>One request on the control socket (one JSON object per line).</summary>
/// <param name="Command"><c>status</c> or <c>scan</c>.</param>
/// <param name="Folder">For <c>scan</c>: the folder ID, or null for every folder.</param>
/// <param name="Path">For <c>scan</c>: a path inside the folder (relative to it, or absolute), or null for all of it.</param>
/// <param name="Paths">
/// For <c>scan</c>: more paths, scanned together with <paramref name="Path"/> as one scan (a name moved
/// between two of them is seen as a rename); null or empty with no <paramref name="Path"/> for all of it.
/// </param>
internal sealed record ControlRequest(string Command, string? Folder = null, string? Path = null, IReadOnlyList<string>? Paths = null)
{
    /// <summary>Asks for a <see cref="StatusReport"/>.</summary>
    public const string Status = "status";

    /// <summary>Asks for a rescan, answered when it is done.</summary>
    public const string Scan = "scan";

    /// <summary>Every path asked for, <see cref="Path"/> first; empty for the whole folder.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> AllPaths =>
        [.. (Path is null ? [] : new[] { Path }).Concat(Paths ?? []).Where(p => !string.IsNullOrEmpty(p))];
}
