using System.Buffers.Binary;
using System.Net;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;

namespace Mesh.Simulator.Servers;

/// <summary>
/// A small TURN server (RFC 8656) over UDP for the virtual network: long-term credentials with realm and
/// nonce, Allocate, Refresh, CreatePermission, ChannelBind, Send and Data indications, ChannelData, and
/// Binding (so it is a STUN server too). It relays only what permissions allow and expires allocations,
/// permissions and channels in virtual time. It uses the project's STUN codec, so it also checks that codec
/// and the TURN client against a second implementation of the protocol.
/// </summary>
public sealed class VirtualTurnServer : IDisposable
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan PermissionLifetime = TimeSpan.FromMinutes(5);
    private readonly IUdpEndpoint _endpoint;
    private readonly INetwork _host;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly long _started;
    private readonly string _realm;
    private readonly string _username;
    private readonly byte[] _key;
    private readonly byte[] _nonce = "virtual-nonce-0001"u8.ToArray();
    private readonly Dictionary<IPEndPoint, VirtualTurnAllocation> _allocations = [];

    /// <summary>Starts serving on <paramref name="local"/> of <paramref name="host"/>, accepting one user; indication IDs come from <paramref name="random"/>.</summary>
    public VirtualTurnServer(INetwork host, IPEndPoint local, string realm, string username, string password, TimeProvider time, Random random)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        _random = random;
        _host = host;
        _time = time;
        _started = time.GetTimestamp();
        _realm = realm;
        _username = username;
        _key = StunCredentials.LongTermKey(username, realm, password);
        _endpoint = host.BindUdp(local);
        EndPoint = _endpoint.LocalEndPoint;
        _endpoint.Start(OnClientDatagram);
    }

    /// <summary>The server's address.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Live allocations.</summary>
    public int AllocationCount => _allocations.Count;

    /// <summary>Datagrams relayed in either direction.</summary>
    public long Relayed { get; private set; }

    /// <summary>Requests refused for bad or missing credentials.</summary>
    public int Unauthorized { get; private set; }

    private TimeSpan Now => _time.GetElapsedTime(_started);

    /// <summary>Forgets every allocation, as a server restart would: later requests on them get 437 Allocation Mismatch.</summary>
    public void DropAllocations()
    {
        foreach (var allocation in _allocations.Values)
        {
            allocation.Dispose();
        }

        _allocations.Clear();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var allocation in _allocations.Values)
        {
            allocation.Dispose();
        }

        _allocations.Clear();
        _endpoint.Dispose();
    }

    private void OnClientDatagram(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (datagram.Length >= 4 && (datagram[0] & 0xC0) == 0x40)
        {
            OnChannelData(datagram, from);
            return;
        }

        if (!StunMessage.TryParse(datagram, out var message))
        {
            return;
        }

        if (message.Type.Class == StunClass.Indication)
        {
            if (message.Type.Method == StunMethod.Send)
            {
                OnSendIndication(message, from);
            }

            return;
        }

        if (message.Type.Class != StunClass.Request)
        {
            return;
        }

        if (message.Type.Method == StunMethod.Binding)
        {
            var binding = StunMessage.CreateResponse(message, StunClass.SuccessResponse);
            binding.XorMappedAddress = from;
            _endpoint.Send(binding.ToArray(fingerprint: true), from);
            return;
        }

        if (!Authenticate(message, from))
        {
            return;
        }

        switch (message.Type.Method)
        {
            case StunMethod.Allocate:
                OnAllocate(message, from);
                break;
            case StunMethod.Refresh:
                OnRefresh(message, from);
                break;
            case StunMethod.CreatePermission:
                OnCreatePermission(message, from);
                break;
            case StunMethod.ChannelBind:
                OnChannelBind(message, from);
                break;
            default:
                Error(message, from, StunErrorCode.BadRequest, "Bad Request", _key);
                break;
        }
    }

    /// <summary>RFC 8656 section 5 / RFC 8489 section 9.2: a request without integrity gets 401 with realm and nonce; a wrong one gets 401 too.</summary>
    private bool Authenticate(StunMessage request, IPEndPoint from)
    {
        if (!request.HasMessageIntegrity && !request.HasMessageIntegritySha256)
        {
            Challenge(request, from, StunErrorCode.Unauthenticated, "Unauthenticated");
            return false;
        }

        if (request.Username != _username || request.Realm != _realm || !request.CheckIntegrity(_key))
        {
            Challenge(request, from, StunErrorCode.Unauthenticated, "Unauthenticated");
            return false;
        }

        if (request.Nonce is not { } nonce || !nonce.Span.SequenceEqual(_nonce))
        {
            Challenge(request, from, StunErrorCode.StaleNonce, "Stale Nonce");
            return false;
        }

        return true;
    }

    private void Challenge(StunMessage request, IPEndPoint from, int code, string reason)
    {
        Unauthorized++;
        var response = StunMessage.CreateResponse(request, StunClass.ErrorResponse);
        response.ErrorCode = new StunErrorCode(code, reason);
        response.Realm = _realm;
        response.Nonce = _nonce;
        _endpoint.Send(response.ToArray(fingerprint: true), from);
    }

    private void OnAllocate(StunMessage request, IPEndPoint from)
    {
        if (Find(from) is not null)
        {
            Error(request, from, StunErrorCode.AllocationMismatch, "Allocation Mismatch", _key);
            return;
        }

        if (request.RequestedTransport != 17)
        {
            Error(request, from, StunErrorCode.UnsupportedTransportProtocol, "Unsupported Transport Protocol", _key);
            return;
        }

        var relay = _host.BindUdp(new IPEndPoint(EndPoint.Address, 0));
        var allocation = new VirtualTurnAllocation(from, relay, _key) { ExpiresAt = Now + Lifetime(request) };
        _allocations[from] = allocation;
        relay.Start((data, peer) => OnPeerDatagram(allocation, data, peer));
        var response = StunMessage.CreateResponse(request, StunClass.SuccessResponse);
        response.XorRelayedAddresses.Add(relay.LocalEndPoint);
        response.XorMappedAddress = from;
        response.Lifetime = (uint)Lifetime(request).TotalSeconds;
        Send(response, from, _key);
    }

    private void OnRefresh(StunMessage request, IPEndPoint from)
    {
        var allocation = Find(from);
        if (allocation is null)
        {
            Error(request, from, StunErrorCode.AllocationMismatch, "Allocation Mismatch", _key);
            return;
        }

        var lifetime = Lifetime(request);
        var response = StunMessage.CreateResponse(request, StunClass.SuccessResponse);
        response.Lifetime = (uint)lifetime.TotalSeconds;
        if (lifetime == TimeSpan.Zero)
        {
            _allocations.Remove(from);
            allocation.Dispose();
        }
        else
        {
            allocation.ExpiresAt = Now + lifetime;
        }

        Send(response, from, _key);
    }

    private void OnCreatePermission(StunMessage request, IPEndPoint from)
    {
        var allocation = Find(from);
        if (allocation is null || request.XorPeerAddresses.Count == 0)
        {
            Error(request, from, allocation is null ? StunErrorCode.AllocationMismatch : StunErrorCode.BadRequest, "Cannot Create Permission", _key);
            return;
        }

        foreach (var peer in request.XorPeerAddresses)
        {
            allocation.Permissions[peer.Address] = Now + PermissionLifetime;
        }

        Send(StunMessage.CreateResponse(request, StunClass.SuccessResponse), from, _key);
    }

    private void OnChannelBind(StunMessage request, IPEndPoint from)
    {
        var allocation = Find(from);
        if (allocation is null || request.ChannelNumber is not { } channel || channel is < 0x4000 or > 0x4FFF || request.XorPeerAddresses.Count != 1)
        {
            Error(request, from, allocation is null ? StunErrorCode.AllocationMismatch : StunErrorCode.BadRequest, "Bad Channel Bind", _key);
            return;
        }

        var peer = request.XorPeerAddresses[0];
        if ((allocation.PeerByChannel.TryGetValue(channel, out var bound) && !bound.Equals(peer))
            || (allocation.ChannelByPeer.TryGetValue(peer, out var existing) && existing != channel))
        {
            Error(request, from, StunErrorCode.BadRequest, "Channel In Use", _key);
            return;
        }

        allocation.PeerByChannel[channel] = peer;
        allocation.ChannelByPeer[peer] = channel;
        allocation.Permissions[peer.Address] = Now + PermissionLifetime;
        Send(StunMessage.CreateResponse(request, StunClass.SuccessResponse), from, _key);
    }

    private void OnSendIndication(StunMessage indication, IPEndPoint from)
    {
        var allocation = Find(from);
        if (allocation is null || indication.XorPeerAddresses.Count == 0 || indication.Data is not { } data)
        {
            return;
        }

        var peer = indication.XorPeerAddresses[0];
        if (allocation.Permits(peer.Address, Now))
        {
            Relayed++;
            allocation.Relay.Send(data.Span, peer);
        }
    }

    private void OnChannelData(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        var allocation = Find(from);
        var channel = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (allocation is null || length > datagram.Length - 4 || !allocation.PeerByChannel.TryGetValue(channel, out var peer))
        {
            return;
        }

        if (allocation.Permits(peer.Address, Now))
        {
            Relayed++;
            allocation.Relay.Send(datagram.Slice(4, length), peer);
        }
    }

    private void OnPeerDatagram(VirtualTurnAllocation allocation, ReadOnlySpan<byte> data, IPEndPoint peer)
    {
        if (!_allocations.ContainsKey(allocation.Client) || !allocation.Permits(peer.Address, Now))
        {
            return;
        }

        Relayed++;
        if (allocation.ChannelByPeer.TryGetValue(peer, out var channel))
        {
            var frame = new byte[4 + data.Length];
            BinaryPrimitives.WriteUInt16BigEndian(frame, channel);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)data.Length);
            data.CopyTo(frame.AsSpan(4));
            _endpoint.Send(frame, allocation.Client);
            return;
        }

        var indication = new StunMessage(new StunMessageType(StunMethod.Data, StunClass.Indication), StunTransactionId.New(_random))
        {
            Data = data.ToArray(),
        };
        indication.XorPeerAddresses.Add(peer);
        _endpoint.Send(indication.ToArray(fingerprint: true), allocation.Client);
    }

    private VirtualTurnAllocation? Find(IPEndPoint client)
    {
        if (!_allocations.TryGetValue(client, out var allocation))
        {
            return null;
        }

        if (allocation.ExpiresAt > Now)
        {
            return allocation;
        }

        _allocations.Remove(client);
        allocation.Dispose();
        return null;
    }

    private static TimeSpan Lifetime(StunMessage request)
    {
        if (request.Lifetime is not { } seconds)
        {
            return DefaultLifetime;
        }

        var requested = TimeSpan.FromSeconds(seconds);
        return requested == TimeSpan.Zero ? TimeSpan.Zero : requested < DefaultLifetime ? DefaultLifetime : requested > MaxLifetime ? MaxLifetime : requested;
    }

    private void Error(StunMessage request, IPEndPoint to, int code, string reason, byte[] key)
    {
        var response = StunMessage.CreateResponse(request, StunClass.ErrorResponse);
        response.ErrorCode = new StunErrorCode(code, reason);
        Send(response, to, key);
    }

    private void Send(StunMessage response, IPEndPoint to, byte[] key) =>
        _endpoint.Send(response.ToArray(StunIntegrity.Sha1, key, fingerprint: true), to);
}
