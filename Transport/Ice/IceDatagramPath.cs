using Mesh.Transport.Net;

namespace Mesh.Transport.Ice;

/// <summary>
/// The selected pair as a datagram path for DTLS: sends go from the pair's local base to its remote
/// address; datagrams from the peer that are not STUN (RFC 7983: first byte 20 to 63 is DTLS) come up here.
/// </summary>
internal sealed class IceDatagramPath : IDatagramPath
{
    private readonly IceAgent _agent;
    private DatagramHandler? _handler;
    private bool _disposed;

    public IceDatagramPath(IceAgent agent) => _agent = agent;

    public int MaxDatagramSize => _agent.SelectedMaxDatagramSize;

    public void Send(ReadOnlySpan<byte> datagram)
    {
        if (!_disposed)
        {
            _agent.SendData(datagram);
        }
    }

    public void Start(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("Start may be called once");
        }
    }

    public void Dispose() => _disposed = true;

    internal void Deliver(ReadOnlySpan<byte> datagram)
    {
        if (!_disposed)
        {
            Volatile.Read(ref _handler)?.Invoke(datagram);
        }
    }
}
