using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Mesh.Transport.Net;

/// <summary>
/// A UDP socket with one receive loop that pushes datagrams to the handler. Sends are synchronous on a
/// non-blocking socket, so a full send buffer drops the datagram instead of blocking, as UDP may.
/// </summary>
internal sealed partial class SocketUdpEndpoint : IUdpEndpoint
{
    private const int ReceiveBufferSize = 65536;

    private const int PollMicroseconds = 200_000;

    /// <summary>Receive calls whose replies are batched together before they are sent.</summary>
    private const int MaxBurst = 32;

    /// <summary>
    /// Kernel buffer asked for in each direction. A full SCTP window (4 MiB) sent as one burst must fit in
    /// the receiver's socket buffer, or the burst is lost at the socket and congestion control halves
    /// the window for what is really a slow reader; Linux's default is 208 KiB.
    /// </summary>
    private const int KernelBufferSize = 4 * 1024 * 1024;

    private readonly Socket socket;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stop = new();
    private readonly Lock sendLock = new();
    private readonly byte[] lastSendNative = new byte[UdpOffload.AddressCapacity];
    private readonly bool coalescedReceive;
    private IPEndPoint? lastSendRemote;
    private SocketAddress? lastSendAddress;
    private int lastSendNativeLength;
    private volatile bool segmentedSend;
    private int started;
    private long segmentedSends;
    private long coalescedReceives;

    public SocketUdpEndpoint(Socket socket, ILogger logger)
    {
        this.socket = socket;
        this.logger = logger;
        socket.Blocking = false;
        LocalEndPoint = Normalise((IPEndPoint)socket.LocalEndPoint!);
        KernelBuffers.Enlarge(socket, KernelBufferSize);
        segmentedSend = UdpOffload.Supported;
        coalescedReceive = UdpOffload.TryEnableReceiveCoalescing(socket);
        LogBuffers(logger, LocalEndPoint, socket.ReceiveBufferSize, socket.SendBufferSize);
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends that carried more than one datagram (segmentation offload), for tests and statistics.</summary>
    internal long SegmentedSends => Interlocked.Read(ref segmentedSends);

    /// <summary>Receives that brought more than one datagram (the kernel coalesced a run), for tests and statistics.</summary>
    internal long CoalescedReceives => Interlocked.Read(ref coalescedReceives);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (stop.IsCancellationRequested)
        {
            return;
        }

        try
        {
            Span<byte> native = stackalloc byte[UdpOffload.AddressCapacity];
            var nativeLength = 0;
            lock (sendLock)
            {
                // Serialising an IPEndPoint allocates; peers are few, so the last one is cached.
                if (!ReferenceEquals(remote, lastSendRemote) && !remote.Equals(lastSendRemote))
                {
                    var target = socket.DualMode && remote.AddressFamily == AddressFamily.InterNetwork
                        ? new IPEndPoint(remote.Address.MapToIPv6(), remote.Port)
                        : remote;
                    if (target.AddressFamily != socket.AddressFamily)
                    {
                        return;
                    }

                    lastSendAddress = target.Serialize();
                    lastSendNativeLength = UdpOffload.Supported ? UdpOffload.WriteAddress(target, socket.AddressFamily, lastSendNative) : 0;
                    lastSendRemote = remote;
                }

                if (!segmentedSend || datagram.Length > UdpOffload.MaxBytes || DatagramBatch.Current is null)
                {
                    socket.SendTo(datagram, SocketFlags.None, lastSendAddress!);
                    return;
                }

                nativeLength = lastSendNativeLength;
                lastSendNative.AsSpan(0, nativeLength).CopyTo(native);
            }

            // Outside the lock: appending may send the batch held so far, which takes the lock again.
            DatagramBatch.Current?.Append(this, native[..nativeLength], datagram);
        }
        catch (SocketException)
        {
            // Best effort: a full buffer, an unreachable network or an ICMP error reported late all mean
            // "this datagram was lost", which the protocols above already handle.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Sends a run of <paramref name="count"/> datagrams laid end to end in <paramref name="data"/>, each of
    /// <paramref name="segmentSize"/> bytes but the last, to the sockaddr <paramref name="address"/>: one
    /// segmented send, or one send per datagram if the kernel refuses segmentation (then never again).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void SendRun(ReadOnlySpan<byte> address, ReadOnlySpan<byte> data, int segmentSize, int count)
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }

        try
        {
            if (segmentedSend)
            {
                var error = UdpOffload.SendSegments(socket.SafeHandle, address, data, segmentSize);
                if (error == 0 && count > 1)
                {
                    Interlocked.Increment(ref segmentedSends);
                }

                if (error is 0 or UdpOffload.WouldBlock or UdpOffload.NoBuffers or UdpOffload.ConnectionRefused)
                {
                    return; // sent, or lost as any datagram may be
                }

                segmentedSend = false;
                LogSegmentationRefused(logger, LocalEndPoint, count, segmentSize, error);
            }

            var remote = UdpOffload.ReadAddress(address);
            for (var offset = 0; remote is not null && offset < data.Length; offset += segmentSize)
            {
                Send(data.Slice(offset, Math.Min(segmentSize, data.Length - offset)), remote);
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Start(UdpDatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.Exchange(ref started, 1) != 0)
        {
            throw new InvalidOperationException("The endpoint has already been started.");
        }

        // A thread of its own rather than an async loop: each awaited receive that finds the queue empty
        // costs an epoll wake-up plus a hand-over to a pool thread, and at tens of thousands of datagrams a
        // second those context switches were the largest kernel item in the profile.
        // The token is taken here, not on the new thread: a Dispose that runs before the thread gets going
        // disposes the source, and reading its token there then threw on a thread nobody observes, which
        // took the whole process down.
        var token = stop.Token;
        new Thread(() =>
        {
            if (coalescedReceive)
            {
                ReceiveCoalescedLoop(handler, token);
            }
            else
            {
                ReceiveLoop(handler, token);
            }
        }) { IsBackground = true, Name = "udp-receive " + LocalEndPoint }.Start();
    }

    public void Dispose()
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }

        stop.Cancel();
        socket.Dispose();
        stop.Dispose();
    }

    private void ReceiveLoop(UdpDatagramHandler handler, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        var address = new SocketAddress(socket.AddressFamily);
        SocketAddress? lastAddress = null;
        IPEndPoint? lastRemote = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                // Wait with a bound so Dispose is noticed even if closing the socket does not wake poll.
                if (!socket.Poll(PollMicroseconds, SelectMode.SelectRead))
                {
                    continue;
                }

                // Drain what is queued. At least one receive per wake-up, which also consumes a pending
                // ICMP error (poll reports it as readable; left there it would wake poll forever).
                do
                {
                    int received;
                    try
                    {
                        received = socket.ReceiveFrom(buffer, SocketFlags.None, address);
                    }
                    catch (SocketException exception) when (exception.SocketErrorCode is SocketError.WouldBlock
                        or SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.HostUnreachable
                        or SocketError.NetworkUnreachable or SocketError.MessageSize)
                    {
                        // Nothing queued after all, an ICMP error for an earlier send, or an oversized
                        // datagram: none of them is fatal for a UDP socket.
                        continue;
                    }

                    // Creating an IPEndPoint per datagram would allocate; most datagrams come from the same peer.
                    if (lastAddress is null || !address.Equals(lastAddress))
                    {
                        lastAddress ??= new SocketAddress(socket.AddressFamily);
                        address.Buffer.Span.CopyTo(lastAddress.Buffer.Span);
                        lastAddress.Size = address.Size;
                        var endPoint = (IPEndPoint)new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0).Create(address);
                        lastRemote = Normalise(endPoint);
                    }

                    try
                    {
                        handler(buffer.AsSpan(0, received), lastRemote!);
                    }
#pragma warning disable CA1031 // The loop must outlive a faulty handler; the fault is logged, not lost.
                    catch (Exception exception)
#pragma warning restore CA1031
                    {
                        LogHandlerFailed(logger, exception, LocalEndPoint);
                    }
                }
                while (!token.IsCancellationRequested && socket.Available > 0);
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException exception) when (token.IsCancellationRequested || exception.SocketErrorCode == SocketError.OperationAborted)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The receive loop where the kernel coalesces runs of datagrams (UDP_GRO): one system call brings up to
    /// 64 KiB, split here at the segment size the kernel reports, and drained until it would block. What
    /// the handler sends in reply to one run is batched (<see cref="DatagramBatch"/>) and sent after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReceiveCoalescedLoop(UdpDatagramHandler handler, CancellationToken token)
    {
        var buffer = new byte[ReceiveBufferSize];
        Span<byte> address = stackalloc byte[UdpOffload.AddressCapacity];
        var lastAddress = new byte[UdpOffload.AddressCapacity];
        var lastAddressLength = -1;
        IPEndPoint? lastRemote = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (!socket.Poll(PollMicroseconds, SelectMode.SelectRead))
                {
                    continue;
                }

                var drained = false;
                while (!drained && !token.IsCancellationRequested)
                {
                    // One batch per up to MaxBurst datagrams already queued: replies to them (SACKs, or
                    // the DATA a SACK lets out) go to the kernel together once they are all handled.
                    using var batch = DatagramBatch.Begin();
                    var handled = 0;
                    while (handled < MaxBurst && !token.IsCancellationRequested)
                    {
                        var received = UdpOffload.Receive(socket.SafeHandle, buffer, address, out var addressLength, out var segmentSize);
                        if (received < 0)
                        {
                            if (-received == UdpOffload.Interrupted)
                            {
                                continue;
                            }

                            // Would block: drained. Anything else (an ICMP error for an earlier send) is
                            // consumed by this call; poll again.
                            drained = true;
                            break;
                        }

                        handled++;
                        if (received == 0 || addressLength > address.Length)
                        {
                            continue;
                        }

                        if (lastRemote is null || addressLength != lastAddressLength || !address[..addressLength].SequenceEqual(lastAddress.AsSpan(0, addressLength)))
                        {
                            var remote = UdpOffload.ReadAddress(address[..addressLength]);
                            if (remote is null)
                            {
                                continue;
                            }

                            address[..addressLength].CopyTo(lastAddress);
                            lastAddressLength = addressLength;
                            lastRemote = remote;
                        }

                        if (segmentSize < received)
                        {
                            Interlocked.Increment(ref coalescedReceives);
                        }

                        for (var offset = 0; offset < received; offset += segmentSize)
                        {
                            Deliver(handler, buffer.AsSpan(offset, Math.Min(segmentSize, received - offset)), lastRemote);
                        }
                    }
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException exception) when (token.IsCancellationRequested || exception.SocketErrorCode == SocketError.OperationAborted)
        {
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Deliver(UdpDatagramHandler handler, ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        try
        {
            handler(datagram, remote);
        }
#pragma warning disable CA1031 // The loop must outlive a faulty handler; the fault is logged, not lost.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogHandlerFailed(logger, exception, LocalEndPoint);
        }
    }

    private static IPEndPoint Normalise(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "UDP endpoint {LocalEndPoint}: kernel receive buffer {Receive} bytes, send buffer {Send} bytes")]
    private static partial void LogBuffers(ILogger logger, IPEndPoint localEndPoint, int receive, int send);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "UDP endpoint {LocalEndPoint}: the kernel refused a segmented send of {Count} datagrams of {SegmentSize} bytes (errno {Error}); sending one at a time from now on")]
    private static partial void LogSegmentationRefused(ILogger logger, IPEndPoint localEndPoint, int count, int segmentSize, int error);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "The datagram handler of UDP endpoint {LocalEndPoint} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, IPEndPoint localEndPoint);
}
