namespace Mesh.Peer.Config;

/// <summary>One <c>[[folder]]</c> of the configuration.</summary>
/// <param name="Id">The folder ID, the same on every device that shares the folder.</param>
/// <param name="Path">Absolute path of the folder on this device.</param>
internal sealed record FolderConfig(string Id, string Path);
