using System.Net;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;

namespace Mesh.Simulator.Servers;

/// <summary>
/// A STUN server (RFC 8489 Binding responder) on a virtual host: answers each Binding request with the
/// address it came from in XOR-MAPPED-ADDRESS, which is how agents behind virtual NATs learn their mappings.
/// </summary>
public sealed class VirtualStunServer : IDisposable
{
    private readonly IUdpEndpoint _endpoint;

    /// <summary>Starts answering on <paramref name="local"/> of <paramref name="network"/>.</summary>
    public VirtualStunServer(INetwork network, IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(network);
        _endpoint = network.BindUdp(local);
        EndPoint = _endpoint.LocalEndPoint;
        _endpoint.Start(OnDatagram);
    }

    /// <summary>The address clients send to.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>How many requests were answered.</summary>
    public int Answered { get; private set; }

    /// <inheritdoc/>
    public void Dispose() => _endpoint.Dispose();

    private void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (!StunMessage.TryParse(datagram, out var request)
            || request.Type != StunMessageType.BindingRequest
            || request.UnknownComprehensionRequired.Count > 0)
        {
            return;
        }

        var response = StunMessage.CreateResponse(request, StunClass.SuccessResponse);
        response.XorMappedAddress = from;
        _endpoint.Send(response.ToArray(StunIntegrity.None, default, fingerprint: true), from);
        Answered++;
    }
}
