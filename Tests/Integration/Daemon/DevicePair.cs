namespace Mesh.Integration.Daemon;

/// <summary>
/// Two devices, A and B, sharing one folder over a direct TLS link on loopback, each with its own
/// <c>mesh run</c> process.
/// </summary>
internal sealed class DevicePair : IDisposable
{
    public const string FolderId = "shared";

    private DevicePair(MeshDevice a, MeshDevice b)
    {
        A = a;
        B = b;
    }

    public MeshDevice A { get; }

    public MeshDevice B { get; }

    /// <summary>Initialises both homes and introduces the devices to each other; nothing runs yet.</summary>
    public static async Task<DevicePair> CreateAsync()
    {
        var devices = await Task.WhenAll(MeshDevice.CreateAsync("a"), MeshDevice.CreateAsync("b"));
        var pair = new DevicePair(devices[0], devices[1]);
        try
        {
            await Task.WhenAll(pair.A.AddFolderAsync(FolderId), pair.B.AddFolderAsync(FolderId));
            await Task.WhenAll(pair.A.AddPeerAsync(pair.B, FolderId), pair.B.AddPeerAsync(pair.A, FolderId));
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    public void StartBoth()
    {
        A.Start();
        B.Start();
    }

    /// <summary>
    /// Waits until both trees hash the same and both daemons say so too: folder idle with nothing needed,
    /// the same file count and bytes, and each connected to the other.
    /// </summary>
    public Task WaitInSyncAsync(TimeSpan timeout)
    {
        var lastA = new SortedDictionary<string, string>();
        var lastB = new SortedDictionary<string, string>();
        return Poll.UntilAsync(
            async () =>
            {
                lastA = TreeDigest.Of(A.Folder);
                lastB = TreeDigest.Of(B.Folder);
                return lastA.SequenceEqual(lastB) && await StatusesAgreeAsync();
            },
            timeout,
            () => "trees in sync\n" + TreeDigest.Differences(lastA, lastB) + Logs());
    }

    /// <summary>
    /// Waits for the daemons alone to say they agree, without hashing: for trees too large to hash on every
    /// poll. The caller hashes once afterwards.
    /// </summary>
    public Task WaitStatusesAgreeAsync(TimeSpan timeout) =>
        Poll.UntilAsync(StatusesAgreeAsync, timeout, () => "both daemons idle with nothing needed" + Logs());

    private async Task<bool> StatusesAgreeAsync()
    {
        var statuses = await Task.WhenAll(A.StatusAsync(), B.StatusAsync());
        return Agree(statuses[0], statuses[1], B.DeviceId) && Agree(statuses[1], statuses[0], A.DeviceId);

        static bool Agree(MeshStatus self, MeshStatus other, string peerId)
        {
            var mine = self.Folder(FolderId);
            var theirs = other.Folder(FolderId);
            return mine.State == "idle" && mine.NeedFiles == 0 && mine.NeedBytes == 0
                && mine.LocalFiles == theirs.LocalFiles && mine.LocalBytes == theirs.LocalBytes
                && self.Peer(peerId) is { Connected: true };
        }
    }

    /// <summary>Both daemons' output, for assertion messages.</summary>
    public string Logs() => $"\n--- log of A:\n{Tail(A.Log)}\n--- log of B:\n{Tail(B.Log)}";

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : "…" + log[^4000..];
}
