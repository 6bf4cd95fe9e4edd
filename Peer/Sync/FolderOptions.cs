namespace Mesh.Peer.Sync;

/// <summary>One synced folder.</summary>
/// <param name="Id">The folder ID, the same on every device that shares it.</param>
/// <param name="Path">Absolute path of the folder on this device.</param>
internal sealed record FolderOptions(string Id, string Path);
