using System.Buffers;
using System.Net;
using System.Threading.Channels;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;

namespace Mesh.Transport.Turn;

/// <summary>
/// TURN over TCP (RFC 8656 section 12.5): STUN messages and ChannelData frames back to back on the
/// stream, each ChannelData padded to 4 bytes. Sends are queued (in pooled buffers) to one writer loop
/// so <see cref="Send"/> never blocks; one reader loop splits the stream into frames.
/// </summary>
internal sealed class TcpTurnConnection : TurnConnection
{
    private const int MaxFrame = 4 + 65535 + 3;

    private readonly ITcpConnection connection;
    private readonly Channel<(byte[] Buffer, int Length)> outgoing =
        Channel.CreateUnbounded<(byte[], int)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stop = new();
    private readonly Task writer;
    private Task? reader;

    public TcpTurnConnection(ITcpConnection connection)
    {
        this.connection = connection;
        writer = Task.Run(WriteLoopAsync);
    }

    public override bool IsReliable => true;

    public override IPEndPoint Server => connection.RemoteEndPoint;

    public override IPEndPoint LocalEndPoint => connection.LocalEndPoint;

    public override void Send(ReadOnlySpan<byte> message)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(message.Length);
        message.CopyTo(buffer);
        if (!outgoing.Writer.TryWrite((buffer, message.Length)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override void Start(DatagramHandler handler) => reader = Task.Run(() => ReadLoopAsync(handler));

    public override async ValueTask DisposeAsync()
    {
        outgoing.Writer.TryComplete();
        try
        {
            // Let queued messages (a final Refresh with lifetime 0) reach the server, briefly.
            await writer.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        if (reader is not null)
        {
            await reader.ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var (buffer, length) in outgoing.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await connection.Stream.WriteAsync(buffer.AsMemory(0, length), stop.Token).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection is gone; the client notices through timeouts.
        }
    }

    private async Task ReadLoopAsync(DatagramHandler handler)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxFrame + StunMessage.HeaderLength);
        var filled = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var read = await connection.Stream.ReadAsync(buffer.AsMemory(filled), stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                var consumed = 0;
                while (TryFrame(buffer.AsSpan(consumed, filled - consumed), out var frameLength, out var messageLength))
                {
                    if (frameLength < 0)
                    {
                        return; // neither STUN nor ChannelData: the stream is out of step, give up on it
                    }

                    handler(buffer.AsSpan(consumed, messageLength));
                    consumed += frameLength;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>True when a whole frame is buffered (frameLength -1 means garbage); messageLength excludes padding.</summary>
    private static bool TryFrame(ReadOnlySpan<byte> data, out int frameLength, out int messageLength)
    {
        frameLength = messageLength = 0;
        if (data.Length < 4)
        {
            return false;
        }

        if (ChannelDataMessage.TryGetFrameLength(data, out frameLength))
        {
            messageLength = 4 + ((data[2] << 8) | data[3]);
        }
        else if ((data[0] & 0xC0) == 0)
        {
            if (data.Length < StunMessage.HeaderLength)
            {
                return false;
            }

            if (!StunMessage.TryGetMessageLength(data, out frameLength))
            {
                frameLength = -1;
                return true;
            }

            messageLength = frameLength;
        }
        else
        {
            frameLength = -1;
            return true;
        }

        return data.Length >= frameLength;
    }
}
