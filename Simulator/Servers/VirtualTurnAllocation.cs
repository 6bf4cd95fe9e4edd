using System.Net;
using Mesh.Transport.Net;

namespace Mesh.Simulator.Servers;

/// <summary>One allocation on the <see cref="VirtualTurnServer"/>: the client's 5-tuple, its relayed socket, permissions and channels.</summary>
internal sealed class VirtualTurnAllocation : IDisposable
{
    public VirtualTurnAllocation(IPEndPoint client, IUdpEndpoint relay, byte[] key)
    {
        Client = client;
        Relay = relay;
        Key = key;
    }

    public IPEndPoint Client { get; }

    public IUdpEndpoint Relay { get; }

    /// <summary>The long-term key the allocation's requests are signed with.</summary>
    public byte[] Key { get; }

    public TimeSpan ExpiresAt { get; set; }

    /// <summary>Peer address to the instant its permission expires (RFC 8656 section 9: five minutes).</summary>
    public Dictionary<IPAddress, TimeSpan> Permissions { get; } = [];

    public Dictionary<ushort, IPEndPoint> PeerByChannel { get; } = [];

    public Dictionary<IPEndPoint, ushort> ChannelByPeer { get; } = [];

    public bool Permits(IPAddress peer, TimeSpan now) => Permissions.TryGetValue(peer, out var until) && until > now;

    public void Dispose() => Relay.Dispose();
}
