using Mesh.Chunking;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

/// <summary>
/// Devices whose manifests for the same bytes were cut with different chunker parameter sets (an index
/// written before the default set changed, next to a device that scanned afresh).
/// </summary>
public sealed class MixedParameterSetTests
{
    [Fact]
    public async Task Identical_files_cut_with_different_sets_merge_without_a_conflict_copy_or_a_transfer()
    {
        await using var a = TestDevice.Create("a");
        await using var b = TestDevice.Create("b");
        var bytes = new byte[300 * 1024];
        new Random(8).NextBytes(bytes);
        a.Write("same.bin", bytes);
        b.Write("same.bin", bytes);

        // a's record as an older build wrote it: the same file, its chunks cut with set 1.
        await a.ScanAsync();
        var stored = a.Store.GetLocal(TestDevice.FolderId, "same.bin")!;
        var old = stored.Entry.Clone();
        old.Manifest = ManifestBuilder.Build(bytes, ChunkerParameters.FromId(1));
        a.Store.CommitLocal(TestDevice.FolderId, [(old, stored.Inode)]);
        await b.ScanAsync();
        Assert.NotEqual(old.Manifest.FileHash, b.Store.GetLocal(TestDevice.FolderId, "same.bin")!.Entry.Manifest.FileHash);

        await using var link = TestLink.Connect(a, b);
        await Eventually.TrueAsync(
            () => link.TotalBytes > 0 && a.Status.State == FolderState.Idle && b.Status.State == FolderState.Idle &&
                  a.Store.GetLocal(TestDevice.FolderId, "same.bin")!.Entry.Version.Equals(b.Store.GetLocal(TestDevice.FolderId, "same.bin")!.Entry.Version),
            "versions merged");

        foreach (var device in new[] { a, b })
        {
            Assert.Equal(["same.bin"], Directory.GetFiles(device.FolderPath).Select(Path.GetFileName));
            Assert.Equal(bytes, File.ReadAllBytes(device.PathOf("same.bin")));
        }

        Assert.Equal(0, a.Engine.ChunkBytesFetched + b.Engine.ChunkBytesFetched);
    }
}
