using System.Net;

namespace Mesh.Simulator.Network;

/// <summary>One UDP datagram in flight through the virtual network, with its current (possibly translated) addresses.</summary>
/// <param name="Source">Where it comes from, as seen on the segment it is crossing.</param>
/// <param name="Destination">Where it is going, as seen on the segment it is crossing.</param>
/// <param name="Payload">The UDP payload; owned by the packet, never changed.</param>
internal readonly record struct VirtualPacket(IPEndPoint Source, IPEndPoint Destination, byte[] Payload)
{
    /// <summary>The IP packet size: payload plus IPv4 (20) or IPv6 (40) header plus UDP header (8).</summary>
    public int WireSize => Payload.Length + (Destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 48 : 28);
}
