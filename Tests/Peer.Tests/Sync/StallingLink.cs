using Mesh.Peer.Identity;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

/// <summary>A link that passes a number of chunk responses and then stops sending, like a path that silently died.</summary>
internal sealed class StallingLink(InMemoryLink inner, int responsesBeforeStall) : ILink
{
    private int _responses;

    public DeviceId RemoteDevice => inner.RemoteDevice;

    public string PathName => inner.PathName;

    public int MaxMessageSize => inner.MaxMessageSize;

    public long BytesSent => inner.BytesSent;

    public long BytesReceived => inner.BytesReceived;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        // Responses are the large messages; index and hello traffic stays small.
        if (message.Length > 8 * 1024 && Interlocked.Increment(ref _responses) > responsesBeforeStall)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        await inner.SendAsync(message, ct);
    }

    public ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken ct) => inner.ReceiveAsync(ct);

    public ValueTask CloseAsync() => inner.CloseAsync();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
