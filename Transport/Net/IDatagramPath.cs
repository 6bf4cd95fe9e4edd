namespace Mesh.Transport.Net;

/// <summary>
/// A connected, unreliable datagram path to one peer: what an ICE agent hands upward once it has selected
/// a pair (direct or through a TURN relay), and what DTLS runs over. Like <see cref="IUdpEndpoint"/>, it
/// is push-based: received datagrams go to the handler given to <see cref="Start"/>, one at a time.
/// </summary>
public interface IDatagramPath : IDisposable
{
    /// <summary>The largest datagram this path carries without IP fragmentation, as far as it knows.</summary>
    int MaxDatagramSize { get; }

    /// <summary>Sends one datagram to the peer; best effort, never blocks.</summary>
    void Send(ReadOnlySpan<byte> datagram);

    /// <summary>Starts delivering the peer's datagrams; the span is valid only during the call.</summary>
    void Start(DatagramHandler handler);
}

/// <summary>Receives one datagram from the peer of an <see cref="IDatagramPath"/>; valid only during the call.</summary>
public delegate void DatagramHandler(ReadOnlySpan<byte> datagram);
