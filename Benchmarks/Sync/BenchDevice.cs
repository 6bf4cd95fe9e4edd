using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Benchmarks.Sync;

/// <summary>One device for the sync benchmarks: a temporary home with its index and folder, and a running engine.</summary>
internal sealed class BenchDevice : IAsyncDisposable
{
    public const string FolderId = "bench";

    private BenchDevice(string home, string folder, SyncEngine engine, IndexStore store, DeviceIdentity identity)
    {
        Home = home;
        Folder = folder;
        Engine = engine;
        Store = store;
        Identity = identity;
    }

    public string Home { get; }

    public string Folder { get; }

    public SyncEngine Engine { get; }

    public IndexStore Store { get; }

    public DeviceIdentity Identity { get; }

    public static BenchDevice Create(string parent, string name)
    {
        var home = Path.Combine(parent, name);
        var folder = Path.Combine(home, "folder");
        Directory.CreateDirectory(folder);
        var identity = DeviceIdentity.CreateEphemeral();
        var store = IndexStore.Open(Path.Combine(home, "index.db"), identity.Id);
        var options = new SyncEngineOptions { DeviceName = name, Watch = false, PullRetryInterval = TimeSpan.FromMilliseconds(200) };
        var engine = new SyncEngine(identity.Id, store, options, TimeProvider.System, new Random(1), NullLoggerFactory.Instance);
        engine.AddFolder(new FolderOptions(FolderId, folder));
        engine.Start();
        return new BenchDevice(home, folder, engine, store, identity);
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Store.Dispose();
        Identity.Dispose();
    }
}
