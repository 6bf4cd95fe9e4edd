using Mesh.Peer.Config;
using Mesh.Peer.Identity;

namespace Mesh.Peer.Tests.Daemon;

/// <summary>A device home in a temporary folder, set up the way <c>mesh init</c> and <c>mesh folder add</c> do.</summary>
internal sealed class DaemonHome : IDisposable
{
    private readonly TempFolder _temp = new();

    public DaemonHome(string name = "test", params string[] folderIds)
    {
        Home = new MeshHome(_temp.Combine("home"));
        using (var identity = DeviceIdentity.LoadOrCreate(Home.Directory))
        {
            Id = identity.Id;
        }

        var folders = folderIds.Select(id => new FolderConfig(id, _temp.Combine("folders", id))).ToList();
        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder.Path);
        }

        Config = MeshConfig.CreateDefault(name) with { Listen = new TcpAddress("127.0.0.1", 0), Folders = folders };
        ConfigWriter.Write(Home.ConfigPath, Config);
    }

    public MeshHome Home { get; }

    public DeviceId Id { get; }

    public MeshConfig Config { get; private set; }

    public string FolderPath(string id) => Config.FindFolder(id)!.Path;

    public void AddPeer(DaemonHome peer, int port, params string[] folders)
    {
        Config = Config with { Peers = [.. Config.Peers, new PeerConfig(peer.Id, new TcpAddress("127.0.0.1", port), folders)] };
        ConfigWriter.Write(Home.ConfigPath, Config);
    }

    public void Dispose() => _temp.Dispose();
}
