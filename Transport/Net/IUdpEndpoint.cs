using System.Net;

namespace Mesh.Transport.Net;

/// <summary>
/// A bound UDP endpoint. Sending never blocks (UDP is best effort); received datagrams are pushed to the
/// handler given to <see cref="Start"/>, one at a time, so protocol state machines are driven by
/// input (<c>OnDatagram</c>) rather than by a thread of their own, and the simulator can deliver them
/// from its scheduler.
/// </summary>
public interface IUdpEndpoint : IDisposable
{
    /// <summary>The local address and port this endpoint is bound to.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends one datagram. Errors that UDP reports asynchronously (e.g. ICMP unreachable) are dropped.</summary>
    void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote);

    /// <summary>
    /// Starts delivering received datagrams to <paramref name="handler"/>. Call once. The span is only
    /// valid during the call; a handler that keeps the data must copy it.
    /// </summary>
    void Start(UdpDatagramHandler handler);
}

/// <summary>Receives one datagram; <paramref name="datagram"/> is valid only during the call.</summary>
public delegate void UdpDatagramHandler(ReadOnlySpan<byte> datagram, IPEndPoint remote);
