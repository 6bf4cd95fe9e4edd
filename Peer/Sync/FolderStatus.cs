namespace Mesh.Peer.Sync;

/// <summary>A snapshot of one folder's progress, for status and tests.</summary>
/// <param name="State">What the folder is doing.</param>
/// <param name="NeedFiles">Names still to pull (or delete) after the last pull pass.</param>
/// <param name="NeedBytes">Bytes of those names.</param>
/// <param name="Error">The last pull error, if the state is <see cref="FolderState.Error"/>.</param>
internal sealed record FolderStatus(FolderState State, int NeedFiles, long NeedBytes, string? Error);
