using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Peer.Tests.Sync;

public sealed class SharedFoldersTests
{
    [Fact]
    public async Task Only_folders_both_sides_share_with_each_other_are_synced()
    {
        await using var a = await TwoFolderDevice.CreateAsync("a");
        await using var b = await TwoFolderDevice.CreateAsync("b");
        foreach (var folder in new[] { "shared", "a-only", "b-only" })
        {
            File.WriteAllText(Path.Combine(a.PathOf(folder), "from-a.txt"), "a's " + folder);
            File.WriteAllText(Path.Combine(b.PathOf(folder), "from-b.txt"), "b's " + folder);
            await a.Engine.ScanAsync(folder);
            await b.Engine.ScanAsync(folder);
        }

        // a lists "shared" and "a-only" for b; b lists "shared" and "b-only" for a.
        var (aEnd, bEnd) = InMemoryLink.CreatePair(a.Identity.Id, b.Identity.Id);
        using var stop = new CancellationTokenSource();
        var runA = a.Engine.RunLinkAsync(aEnd, new HashSet<string>(StringComparer.Ordinal) { "shared", "a-only" }, stop.Token);
        var runB = b.Engine.RunLinkAsync(bEnd, new HashSet<string>(StringComparer.Ordinal) { "shared", "b-only" }, stop.Token);

        await Eventually.TrueAsync(
            () => File.Exists(Path.Combine(b.PathOf("shared"), "from-a.txt")) && File.Exists(Path.Combine(a.PathOf("shared"), "from-b.txt")),
            "the folder both list is synced");

        // Give the other folders every chance to leak: the index exchange for "shared" is complete.
        await Task.Delay(500);
        Assert.False(File.Exists(Path.Combine(b.PathOf("a-only"), "from-a.txt")));
        Assert.False(File.Exists(Path.Combine(a.PathOf("a-only"), "from-b.txt")));
        Assert.False(File.Exists(Path.Combine(a.PathOf("b-only"), "from-b.txt")));
        Assert.False(File.Exists(Path.Combine(b.PathOf("b-only"), "from-a.txt")));
        Assert.Null(b.Store.GetRemote("a-only", a.Identity.Id, "from-a.txt"));
        Assert.Null(a.Store.GetRemote("b-only", b.Identity.Id, "from-b.txt"));
        Assert.Equal(["shared"], a.Engine.Connections.Single().SharedFolders);

        await stop.CancelAsync();
        await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>A device with three folders: "shared", "a-only" and "b-only".</summary>
    private sealed class TwoFolderDevice : IAsyncDisposable
    {
        private readonly TempFolder _home;

        private TwoFolderDevice(TempFolder home, DeviceIdentity identity, IndexStore store, SyncEngine engine)
        {
            _home = home;
            Identity = identity;
            Store = store;
            Engine = engine;
        }

        public DeviceIdentity Identity { get; }

        public IndexStore Store { get; }

        public SyncEngine Engine { get; }

        public string PathOf(string folder) => _home.Combine(folder);

        public static Task<TwoFolderDevice> CreateAsync(string name)
        {
            var home = new TempFolder();
            var identity = DeviceIdentity.CreateEphemeral();
            var store = IndexStore.Open(home.Combine("index.db"), identity.Id);
            var engine = new SyncEngine(identity.Id, store, TestDevice.TestOptions with { DeviceName = name }, TimeProvider.System, new Random(1), NullLoggerFactory.Instance);
            foreach (var folder in new[] { "shared", "a-only", "b-only" })
            {
                Directory.CreateDirectory(home.Combine(folder));
                engine.AddFolder(new FolderOptions(folder, home.Combine(folder)));
            }

            engine.Start();
            return Task.FromResult(new TwoFolderDevice(home, identity, store, engine));
        }

        public async ValueTask DisposeAsync()
        {
            await Engine.DisposeAsync();
            Store.Dispose();
            Identity.Dispose();
            _home.Dispose();
        }
    }
}
