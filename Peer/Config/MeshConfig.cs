namespace Mesh.Peer.Config;

/// <summary>The contents of <c>config.toml</c>: who this device is to others, where it listens, its folders and peers.</summary>
/// <param name="Name">The device name announced to peers.</param>
/// <param name="Listen">Where the daemon listens for peers.</param>
/// <param name="Folders">The synced folders.</param>
/// <param name="Peers">The devices to sync with.</param>
internal sealed record MeshConfig(string Name, TcpAddress Listen, IReadOnlyList<FolderConfig> Folders, IReadOnlyList<PeerConfig> Peers)
{
    /// <summary>
    /// Default listen address: every interface, port 22200. Syncthing's 22000 is avoided on purpose
    /// so both can run side by side on one machine.
    /// </summary>
    public static TcpAddress DefaultListen { get; } = new("0.0.0.0", 22200);

    /// <summary>A fresh configuration with no folders and no peers.</summary>
    public static MeshConfig CreateDefault(string name) => new(name, DefaultListen, [], []);

    /// <summary>The folder with this ID, or null.</summary>
    public FolderConfig? FindFolder(string id) => Folders.FirstOrDefault(f => string.Equals(f.Id, id, StringComparison.Ordinal));
}
