using System.Diagnostics;
using System.Net;
using Mesh.Peer.Files;
using Mesh.Peer.Links;
using Mesh.Peer.Scanning;
using Mesh.Peer.Sync;
using Mesh.Transport.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Benchmarks.Sync;

/// <summary>
/// The sync engine's benchmark scenarios, on real files in a temporary folder and two engines joined
/// by an in-memory link: scanning (cold, warm, large files) and syncing (1 GiB mixed, 20,000 small
/// files, one byte inserted into a 512 MiB file). Each returns wall time and bytes moved; run each in
/// a fresh process for a meaningful peak RSS.
/// </summary>
internal static class SyncScenarios
{
    private const long MiB = 1024 * 1024;

    public static async Task<IReadOnlyList<ScenarioResult>> ScanSmallFilesAsync(string root, int files)
    {
        await using var device = BenchDevice.Create(root, "scan");
        WriteSmallFiles(device.Folder, files, seed: 1);
        var cold = await TimeScanAsync(device, $"scan cold, {files} files of 1-4 KiB");
        var warm = await TimeScanAsync(device, $"scan warm, {files} files unchanged");
        return [cold, warm];
    }

    public static async Task<IReadOnlyList<ScenarioResult>> ScanLargeFilesAsync(string root, long totalBytes)
    {
        await using var device = BenchDevice.Create(root, "scan-large");
        for (var i = 0; i < 4; i++)
        {
            WriteRandomFile(Path.Combine(device.Folder, $"large{i}.bin"), totalBytes / 4, seed: 10 + i);
        }

        return [await TimeScanAsync(device, $"scan cold, {totalBytes / MiB} MiB in 4 files")];
    }

    public static async Task<IReadOnlyList<ScenarioResult>> SyncMixedAsync(string root, long totalBytes)
    {
        await using var a = BenchDevice.Create(root, "a");
        await using var b = BenchDevice.Create(root, "b");
        var large = totalBytes / 2;
        WriteRandomFile(Path.Combine(a.Folder, "big/one.bin"), large / 2, seed: 1);
        WriteRandomFile(Path.Combine(a.Folder, "big/two.bin"), large / 2, seed: 2);
        var mediumCount = (int)((totalBytes - large) / (256 * 1024));
        for (var i = 0; i < mediumCount; i++)
        {
            WriteRandomFile(Path.Combine(a.Folder, $"medium/{i % 20:D2}/file{i:D5}.bin"), 256 * 1024, seed: 100 + i);
        }

        await a.Engine.ScanAsync(BenchDevice.FolderId);
        return [await TimeInitialSyncAsync(a, b, $"sync {totalBytes / MiB} MiB mixed (2 large + {mediumCount} x 256 KiB)")];
    }

    public static async Task<IReadOnlyList<ScenarioResult>> SyncSmallFilesAsync(string root, int files)
    {
        await using var a = BenchDevice.Create(root, "a");
        await using var b = BenchDevice.Create(root, "b");
        WriteSmallFiles(a.Folder, files, seed: 2);
        await a.Engine.ScanAsync(BenchDevice.FolderId);
        return [await TimeInitialSyncAsync(a, b, $"sync {files} files of 1-4 KiB")];
    }

    public static async Task<IReadOnlyList<ScenarioResult>> SyncSmallFilesOverTlsAsync(string root, int files)
    {
        await using var a = BenchDevice.Create(root, "a");
        await using var b = BenchDevice.Create(root, "b");
        WriteSmallFiles(a.Folder, files, seed: 2);
        await a.Engine.ScanAsync(BenchDevice.FolderId);
        var expected = a.Store.GetAllLocal(BenchDevice.FolderId).Count;
        var tcp = SocketNetwork.Instance.ListenTcp(new IPEndPoint(IPAddress.Loopback, 0));
        var accept = tcp.AcceptAsync().AsTask();
        await using var client = await SocketNetwork.Instance.ConnectTcpAsync(tcp.LocalEndPoint);
        await using var server = await accept;
        await tcp.DisposeAsync();
        var watch = Stopwatch.StartNew();
        var acceptTls = TlsLinkHandshake.AcceptAsync(server.Stream, b.Identity, d => d == a.Identity.Id, NullLogger.Instance, CancellationToken.None);
        await using var aEnd = await TlsLinkHandshake.ConnectAsync(client.Stream, a.Identity, b.Identity.Id, NullLogger.Instance, CancellationToken.None);
        await using var bEnd = await acceptTls;
        using var stop = new CancellationTokenSource();
        var runs = new[] { a.Engine.RunLinkAsync(aEnd, stop.Token), b.Engine.RunLinkAsync(bEnd, stop.Token) };
        await WaitAsync(() => b.Engine.Connections.Count == 1 && IsIdle(b) && b.Store.GetAllLocal(BenchDevice.FolderId).Count == expected);
        watch.Stop();
        var result = new ScenarioResult($"sync {files} files of 1-4 KiB over TLS on loopback TCP", watch.Elapsed, aEnd.BytesSent + bEnd.BytesSent, b.Engine.ChunkBytesFetched);
        await stop.CancelAsync();
        await Task.WhenAll(runs);
        return [result];
    }

    public static async Task<IReadOnlyList<ScenarioResult>> SyncInsertedByteAsync(string root, long size)
    {
        await using var a = BenchDevice.Create(root, "a");
        await using var b = BenchDevice.Create(root, "b");
        var path = Path.Combine(a.Folder, "huge.bin");
        WriteRandomFile(path, size, seed: 3);
        await a.Engine.ScanAsync(BenchDevice.FolderId);
        var initial = await TimeInitialSyncAsync(a, b, $"initial sync of {size / MiB} MiB");

        // Insert one byte in the middle: every byte after it shifts.
        var (aEnd, bEnd) = InMemoryLink.CreatePair(a.Identity.Id, b.Identity.Id);
        using var stop = new CancellationTokenSource();
        var runs = new[] { a.Engine.RunLinkAsync(aEnd, stop.Token), b.Engine.RunLinkAsync(bEnd, stop.Token) };
        await WaitAsync(() => a.Engine.Connections.Count == 1 && b.Engine.Connections.Count == 1 && IsIdle(b));
        var linkBefore = aEnd.BytesSent + bEnd.BytesSent;
        var chunksBefore = b.Engine.ChunkBytesFetched;
        InsertByte(path, size / 2, 0x42);
        var watch = Stopwatch.StartNew();
        await a.Engine.ScanAsync(BenchDevice.FolderId, "huge.bin");
        var scanned = watch.Elapsed;
        var target = Path.Combine(b.Folder, "huge.bin");
        await WaitAsync(() => new FileInfo(target).Length == size + 1 && IsIdle(b));
        watch.Stop();
        var result = new ScenarioResult($"one byte inserted into the middle of {size / MiB} MiB (rescan {scanned.TotalSeconds:F2} s)", watch.Elapsed,
            aEnd.BytesSent + bEnd.BytesSent - linkBefore, b.Engine.ChunkBytesFetched - chunksBefore);
        await stop.CancelAsync();
        aEnd.Break();
        await Task.WhenAll(runs);
        return [initial, result];
    }

    private static async Task<ScenarioResult> TimeScanAsync(BenchDevice device, string name)
    {
        var watch = Stopwatch.StartNew();
        var result = await device.Engine.ScanAsync(BenchDevice.FolderId);
        watch.Stop();
        return new ScenarioResult($"{name} ({result.Changed} changes, {result.HashedBytes / MiB} MiB hashed)", watch.Elapsed, 0, 0);
    }

    private static async Task<ScenarioResult> TimeInitialSyncAsync(BenchDevice a, BenchDevice b, string name)
    {
        var expected = a.Store.GetAllLocal(BenchDevice.FolderId).Count;
        var (aEnd, bEnd) = InMemoryLink.CreatePair(a.Identity.Id, b.Identity.Id);
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var runs = new[] { a.Engine.RunLinkAsync(aEnd, stop.Token), b.Engine.RunLinkAsync(bEnd, stop.Token) };
        await WaitAsync(() => b.Engine.Connections.Count == 1 && IsIdle(b) && b.Store.GetAllLocal(BenchDevice.FolderId).Count == expected);
        watch.Stop();
        var result = new ScenarioResult(name, watch.Elapsed, aEnd.BytesSent + bEnd.BytesSent, b.Engine.ChunkBytesFetched);
        await stop.CancelAsync();
        aEnd.Break();
        await Task.WhenAll(runs);
        return result;
    }

    private static bool IsIdle(BenchDevice device) =>
        device.Engine.GetStatus(BenchDevice.FolderId) is { State: FolderState.Idle, NeedFiles: 0 };

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("scenario did not converge within 10 minutes");
            }

            await Task.Delay(5);
        }
    }

    // Rewrites the file with one byte inserted, streaming, so the benchmark's own memory stays small.
    private static void InsertByte(string path, long offset, byte value)
    {
        var temp = path + ".edit";
        using (var source = File.OpenRead(path))
        using (var destination = File.Create(temp))
        {
            var buffer = new byte[4 * MiB];
            long copied = 0;
            int read;
            while ((read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, offset - copied))) > 0)
            {
                destination.Write(buffer, 0, read);
                copied += read;
            }

            destination.WriteByte(value);
            source.CopyTo(destination);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static void WriteSmallFiles(string folder, int count, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[4096];
        for (var i = 0; i < count; i++)
        {
            var path = Path.Combine(folder, $"d{i % 20:D2}", $"f{i:D6}.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var length = random.Next(1024, 4097);
            random.NextBytes(buffer.AsSpan(0, length));
            File.WriteAllBytes(path, buffer.AsSpan(0, length).ToArray());
        }
    }

    private static void WriteRandomFile(string path, long size, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        var buffer = new byte[4 * MiB];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        for (long written = 0; written < size; written += buffer.Length)
        {
            var length = (int)Math.Min(buffer.Length, size - written);
            random.NextBytes(buffer.AsSpan(0, length));
            stream.Write(buffer, 0, length);
        }
    }
}
