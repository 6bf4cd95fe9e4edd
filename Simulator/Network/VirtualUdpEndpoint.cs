using System.Net;
using Mesh.Transport.Net;

namespace Mesh.Simulator.Network;

/// <summary>
/// A UDP endpoint on a <see cref="VirtualHost"/>. Datagrams that arrive before <see cref="Start"/> wait in a
/// small queue, as a real socket's receive buffer would hold them.
/// </summary>
internal sealed class VirtualUdpEndpoint : IUdpEndpoint
{
    private const int QueueLimit = 64;
    private readonly VirtualHost _host;
    private Queue<VirtualPacket>? _early = new();
    private UdpDatagramHandler? _handler;
    private bool _disposed;

    public VirtualUdpEndpoint(VirtualHost host, IPEndPoint local)
    {
        _host = host;
        LocalEndPoint = local;
    }

    public IPEndPoint LocalEndPoint { get; }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _host.SendUdp(this, datagram, remote);
    }

    public void Start(UdpDatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_handler is not null)
        {
            throw new InvalidOperationException("Start may be called once");
        }

        _handler = handler;
        var early = _early;
        _early = null;
        while (early is { Count: > 0 } && !_disposed)
        {
            var packet = early.Dequeue();
            handler(packet.Payload, packet.Source);
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _host.Unbind(this);
        }
    }

    internal void Deliver(VirtualPacket packet)
    {
        if (_disposed)
        {
            return;
        }

        if (_handler is null)
        {
            if (_early!.Count < QueueLimit)
            {
                _early.Enqueue(packet);
            }

            return;
        }

        _handler(packet.Payload, packet.Source);
    }
}
