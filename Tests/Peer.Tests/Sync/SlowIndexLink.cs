using Mesh.Peer.Identity;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

/// <summary>A link whose index updates, once <see cref="Slow"/> is set, each arrive after a pause, like a slow path.</summary>
internal sealed class SlowIndexLink(InMemoryLink inner, TimeSpan pause) : ILink
{
    public bool Slow { get; set; }

    public DeviceId RemoteDevice => inner.RemoteDevice;

    public string PathName => inner.PathName;

    public int MaxMessageSize => inner.MaxMessageSize;

    public long BytesSent => inner.BytesSent;

    public long BytesReceived => inner.BytesReceived;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        if (Slow && SyncProtocol.TryDecode(message.Span, out var envelope, out _) && envelope.BodyCase == SyncEnvelope.BodyOneofCase.IndexUpdate)
        {
            await Task.Delay(pause, ct);
        }

        await inner.SendAsync(message, ct);
    }

    public ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken ct) => inner.ReceiveAsync(ct);

    public ValueTask CloseAsync() => inner.CloseAsync();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
