namespace Mesh.Peer.Control;

/// <summary>One folder in a <see cref="StatusReport"/>.</summary>
/// <param name="Id">Folder ID.</param>
/// <param name="Path">Folder path on this device.</param>
/// <param name="State"><c>scanning</c>, <c>syncing</c>, <c>idle</c> or <c>error</c>.</param>
/// <param name="LocalFiles">Files (not directories or deletes) in the local index.</param>
/// <param name="LocalBytes">Their bytes.</param>
/// <param name="NeedFiles">Names still to pull or delete.</param>
/// <param name="NeedBytes">Bytes still to pull.</param>
/// <param name="Error">The last error, or null.</param>
/// <param name="Progress">Progress of the current scan or sync, or null when idle.</param>
internal sealed record FolderReport(
    string Id,
    string Path,
    string State,
    long LocalFiles,
    long LocalBytes,
    long NeedFiles,
    long NeedBytes,
    string? Error,
    ProgressReport? Progress);
