using Mesh.Peer.Files;
using Mesh.Peer.Identity;
using Mesh.Peer.Index;
using Mesh.Peer.Sync;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Peer.Tests.Sync;

/// <summary>One device for engine tests: its own temporary home (index) and folder, a real engine, real files.</summary>
internal sealed class TestDevice : IAsyncDisposable
{
    public const string FolderId = "default";

    private readonly TempFolder _home;
    private bool _restarted;

    private TestDevice(string name, TempFolder home, string folderPath, SyncEngine engine, IndexStore store, DeviceIdentity identity)
    {
        Name = name;
        _home = home;
        FolderPath = folderPath;
        Engine = engine;
        Store = store;
        Identity = identity;
    }

    public string Name { get; }

    public string FolderPath { get; }

    public SyncEngine Engine { get; }

    public IndexStore Store { get; }

    public DeviceIdentity Identity { get; }

    public DeviceId Id => Identity.Id;

    public static TestDevice Create(string name, SyncEngineOptions? options = null, IFileSystem? fileSystem = null, string? folderPath = null, ILoggerFactory? loggers = null, int seed = 1)
    {
        var home = new TempFolder();
        var folder = folderPath ?? Path.Combine(home.Path, "folder");
        Directory.CreateDirectory(folder);
        var identity = DeviceIdentity.CreateEphemeral();
        var store = IndexStore.Open(Path.Combine(home.Path, "index.db"), identity.Id);
        options = (options ?? TestOptions) with { DeviceName = name };
        var engine = new SyncEngine(identity.Id, store, options, TimeProvider.System, new Random(seed), loggers ?? NullLoggerFactory.Instance, fileSystem);
        engine.AddFolder(new FolderOptions(FolderId, folder));
        engine.Start();
        return new TestDevice(name, home, folder, engine, store, identity);
    }

    public static SyncEngineOptions TestOptions => new() { Watch = false, PullRetryInterval = TimeSpan.FromMilliseconds(200), RequestTimeout = TimeSpan.FromSeconds(10) };

    public string PathOf(string name) => Path.Combine(FolderPath, name);

    public void Write(string name, string content) => Write(name, System.Text.Encoding.UTF8.GetBytes(content));

    public void Write(string name, byte[] content)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    public string Read(string name) => File.ReadAllText(PathOf(name));

    public Task ScanAsync(string? path = null) => Engine.ScanAsync(FolderId, path);

    public FolderStatus Status => Engine.GetStatus(FolderId);

    /// <summary>
    /// Stops this device's engine and starts a new one over the same index and folder; the new device
    /// owns the home from then on. With <see cref="SyncEngineOptions.HoldDurabilityBarrier"/> in the old
    /// engine's options the stop leaves what a power cut would (unflushed pulls, their pending rows).
    /// </summary>
    public async Task<TestDevice> RestartAsync(SyncEngineOptions? options = null, ILoggerFactory? loggers = null)
    {
        await Engine.DisposeAsync();
        Store.Dispose();
        _restarted = true;
        var store = IndexStore.Open(Path.Combine(_home.Path, "index.db"), Identity.Id);
        var engine = new SyncEngine(Identity.Id, store, (options ?? TestOptions) with { DeviceName = Name }, TimeProvider.System, new Random(1), loggers ?? NullLoggerFactory.Instance);
        engine.AddFolder(new FolderOptions(FolderId, FolderPath));
        engine.Start();
        return new TestDevice(Name, _home, FolderPath, engine, store, Identity);
    }

    public async ValueTask DisposeAsync()
    {
        if (_restarted)
        {
            return;
        }

        await Engine.DisposeAsync();
        Store.Dispose();
        Identity.Dispose();
        _home.Dispose();
    }
}
