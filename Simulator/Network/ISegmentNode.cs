namespace Mesh.Simulator.Network;

/// <summary>Something attached to a segment that packets can be delivered to: a host, or a NAT on either of its sides.</summary>
internal interface ISegmentNode
{
    /// <summary>Takes a packet that has crossed <paramref name="segment"/>.</summary>
    void Receive(VirtualPacket packet, NetworkSegment segment);
}
