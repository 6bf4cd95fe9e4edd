using System.Net;
using Mesh.Transport.Net;

namespace Mesh.Transport.Ice;

/// <summary>A UDP socket that host, server-reflexive and peer-reflexive candidates send from.</summary>
internal sealed class SocketBase : CandidateBase
{
    private readonly IUdpEndpoint _endpoint;
    private readonly int _maxDatagramSize;

    public SocketBase(IUdpEndpoint endpoint, IPEndPoint localEndPoint, int interfaceIndex, int maxDatagramSize)
    {
        _endpoint = endpoint;
        LocalEndPoint = localEndPoint;
        InterfaceIndex = interfaceIndex;
        _maxDatagramSize = maxDatagramSize;
    }

    public override IPEndPoint LocalEndPoint { get; }

    /// <summary>The position of the interface address among the host's, for the local preference.</summary>
    public int InterfaceIndex { get; }

    public override int MaxDatagramSize => _maxDatagramSize;

    public IUdpEndpoint Endpoint => _endpoint;

    public override void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote) => _endpoint.Send(datagram, remote);

    public override string ToString() => LocalEndPoint.ToString();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _endpoint.Dispose();
        }
    }
}
