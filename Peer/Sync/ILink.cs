using Mesh.Peer.Identity;

namespace Mesh.Peer.Sync;

/// <summary>
/// One authenticated, reliable, ordered, message-oriented duplex channel to one peer device, whatever
/// carries it (an in-memory pair in tests, TLS over TCP, a WebRTC data channel). The engine talks to
/// peers only through this. Authentication is the link's job: <see cref="RemoteDevice"/> is the
/// device whose key the link verified.
/// </summary>
internal interface ILink : IAsyncDisposable
{
    /// <summary>The verified device at the other end.</summary>
    DeviceId RemoteDevice { get; }

    /// <summary>Which path carries the link (e.g. <c>memory</c>, <c>tcp-tls</c>), for status and tests.</summary>
    string PathName { get; }

    /// <summary>Largest message the link carries; the engine keeps its messages below it.</summary>
    int MaxMessageSize { get; }

    /// <summary>Payload bytes sent so far.</summary>
    long BytesSent { get; }

    /// <summary>Payload bytes received so far.</summary>
    long BytesReceived { get; }

    /// <summary>Sends one message; the caller may reuse the buffer once this completes.</summary>
    /// <exception cref="LinkClosedException">The link is gone.</exception>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken ct);

    /// <summary>
    /// Bytes a sender may leave free in front of a message given to <see cref="SendWithRoomAsync"/>, where
    /// the link writes its framing instead of copying the message behind it; 0 when it frames nothing.
    /// </summary>
    int FrameRoom => 0;

    /// <summary>
    /// Sends the message that starts <see cref="FrameRoom"/> bytes into <paramref name="buffer"/>; the link
    /// may overwrite those first bytes. The caller may reuse the buffer once this completes.
    /// </summary>
    /// <exception cref="LinkClosedException">The link is gone.</exception>
    ValueTask SendWithRoomAsync(Memory<byte> buffer, CancellationToken ct) => SendAsync(buffer[FrameRoom..], ct);

    /// <summary>
    /// Waits for the next message; null when the peer closed the link in order. The memory stays valid
    /// until the next call.
    /// </summary>
    /// <exception cref="LinkClosedException">The link failed.</exception>
    ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken ct);

    /// <summary>Closes the link; the peer's receive returns null (or fails if the link broke).</summary>
    ValueTask CloseAsync();
}
