namespace Mesh.Integration.Daemon;

/// <summary>One folder in <c>mesh status --json</c>.</summary>
internal sealed record MeshFolderStatus(
    string Id, string Path, string State, long LocalFiles, long LocalBytes, long NeedFiles, long NeedBytes, string? Error);
