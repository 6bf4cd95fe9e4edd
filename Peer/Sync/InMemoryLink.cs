using System.Threading.Channels;
using Mesh.Peer.Identity;

namespace Mesh.Peer.Sync;

/// <summary>
/// One end of a pair of links joined in memory, for tests and benchmarks: messages are copied, bytes
/// are counted, and <see cref="Break"/> cuts the pair the way a failing network would (both ends see
/// <see cref="LinkClosedException"/>).
/// </summary>
internal sealed class InMemoryLink : ILink
{
    private readonly Channel<byte[]> _incoming;
    private readonly Channel<byte[]> _outgoing;
    private readonly CancellationTokenSource _broken;
    private long _bytesSent;
    private long _bytesReceived;

    private InMemoryLink(DeviceId remote, Channel<byte[]> incoming, Channel<byte[]> outgoing, CancellationTokenSource broken, int maxMessageSize)
    {
        RemoteDevice = remote;
        _incoming = incoming;
        _outgoing = outgoing;
        _broken = broken;
        MaxMessageSize = maxMessageSize;
    }

    /// <inheritdoc />
    public DeviceId RemoteDevice { get; }

    /// <inheritdoc />
    public string PathName => "memory";

    /// <inheritdoc />
    public int MaxMessageSize { get; }

    /// <inheritdoc />
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <inheritdoc />
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>
    /// A joined pair: the first end belongs to device <paramref name="a"/> and talks to <paramref name="b"/>,
    /// the second the other way round. <paramref name="capacity"/> messages may queue per direction.
    /// </summary>
    public static (InMemoryLink AToB, InMemoryLink BToA) CreatePair(DeviceId a, DeviceId b, int capacity = 64, int maxMessageSize = 4 * 1024 * 1024)
    {
        var options = new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false };
        var toB = Channel.CreateBounded<byte[]>(options);
        var toA = Channel.CreateBounded<byte[]>(options);
        var broken = new CancellationTokenSource();
        var aEnd = new InMemoryLink(b, toA, toB, broken, maxMessageSize);
        var bEnd = new InMemoryLink(a, toB, toA, broken, maxMessageSize);
        return (aEnd, bEnd);
    }

    /// <summary>Total payload bytes that crossed the pair in both directions.</summary>
    public long TotalBytes => BytesSent + BytesReceived;

    /// <inheritdoc />
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        if (message.Length > MaxMessageSize)
        {
            throw new ArgumentException($"Message of {message.Length} bytes exceeds the link's {MaxMessageSize}.", nameof(message));
        }

        ThrowIfBroken();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _broken.Token);
        try
        {
            await _outgoing.Writer.WriteAsync(message.ToArray(), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_broken.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new LinkClosedException("The link broke.");
        }
        catch (ChannelClosedException ex)
        {
            throw new LinkClosedException("The link is closed.", ex);
        }

        Interlocked.Add(ref _bytesSent, message.Length);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken ct)
    {
        ThrowIfBroken();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _broken.Token);
        try
        {
            if (!await _incoming.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
            {
                return null;
            }

            var message = await _incoming.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
            ThrowIfBroken();
            Interlocked.Add(ref _bytesReceived, message.Length);
            return message;
        }
        catch (OperationCanceledException) when (_broken.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new LinkClosedException("The link broke.");
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public ValueTask CloseAsync()
    {
        _outgoing.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    /// <summary>Cuts the pair abruptly: pending and future operations on both ends fail.</summary>
    public void Break()
    {
        _broken.Cancel();
        _outgoing.Writer.TryComplete();
        _incoming.Writer.TryComplete();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        // The token source is shared with the other end, which may still be using it; it holds no
        // unmanaged resource once no linked sources hang on it, so it is left to the collector.
        _outgoing.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfBroken()
    {
        if (_broken.IsCancellationRequested)
        {
            throw new LinkClosedException("The link broke.");
        }
    }
}
