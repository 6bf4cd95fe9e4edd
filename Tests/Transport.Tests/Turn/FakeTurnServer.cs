using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;

namespace Mesh.Transport.Tests.Turn;

/// <summary>
/// A scripted TURN server on a loopback socket, for the client paths coturn will not show on demand:
/// stale nonces, short lifetimes, bad integrity. It checks long-term credentials like a real one.
/// </summary>
internal sealed class FakeTurnServer : IDisposable
{
    public const string Realm = "fake.test";

    private readonly IUdpEndpoint socket;
    private readonly string username;
    private readonly byte[] key;
    private int staleNoncesLeft;
    private string nonce = "nonce-1";

    public FakeTurnServer(string username, string password, int staleNonces = 0)
    {
        this.username = username;
        key = StunCredentials.LongTermKey(username, Realm, password);
        staleNoncesLeft = staleNonces;
        socket = SocketNetwork.Instance.BindUdp(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Start(OnDatagram);
    }

    public IPEndPoint EndPoint => socket.LocalEndPoint;

    public uint Lifetime { get; init; } = 100;

    public bool CorruptIntegrity { get; init; }

    /// <summary>When set, requests on the allocation get 437 Allocation Mismatch, as after a server restart.</summary>
    public bool AllocationGone { get; set; }

    /// <summary>With <see cref="AllocationGone"/>, answer CreatePermission and ChannelBind with 400 as coturn 4.6 does (only Refresh gets 437).</summary>
    public bool GoneLikeCoturn { get; init; }

    private int datagrams;

    /// <summary>Every datagram received, requests and indications alike.</summary>
    public int Datagrams => Volatile.Read(ref datagrams);

    /// <summary>Every request received, with the nonce it carried.</summary>
    public ConcurrentQueue<(StunMethod Method, string? Nonce, uint? Lifetime)> Requests { get; } = new();

    public int Count(StunMethod method) => Requests.Count(request => request.Method == method);

    public void Dispose() => socket.Dispose();

    private void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        Interlocked.Increment(ref datagrams);
        if (!StunMessage.TryParse(datagram, out var request) || request.Type.Class != StunClass.Request)
        {
            return;
        }

        var requestNonce = request.Nonce is { } n ? Encoding.ASCII.GetString(n.Span) : null;
        Requests.Enqueue((request.Type.Method, requestNonce, request.Lifetime));
        if (!request.HasMessageIntegrity || request.Username != username || !request.CheckIntegrity(key))
        {
            Reply(Error(request, 401, "Unauthorized"), remote, signed: false);
            return;
        }

        if (staleNoncesLeft > 0 || requestNonce != nonce)
        {
            staleNoncesLeft = Math.Max(0, staleNoncesLeft - 1);
            nonce = "nonce-" + (int.Parse(nonce[6..], System.Globalization.CultureInfo.InvariantCulture) + 1);
            Reply(Error(request, 438, "Stale Nonce"), remote, signed: false);
            return;
        }

        if (AllocationGone && request.Type.Method != StunMethod.Allocate)
        {
            var bad = GoneLikeCoturn && request.Type.Method is StunMethod.CreatePermission or StunMethod.ChannelBind;
            Reply(bad ? Error(request, 400, "Bad Request") : Error(request, 437, "Allocation Mismatch"), remote, signed: true);
            return;
        }

        var response = StunMessage.CreateResponse(request, StunClass.SuccessResponse);
        switch (request.Type.Method)
        {
            case StunMethod.Allocate:
                response.XorRelayedAddresses.Add(new IPEndPoint(IPAddress.Parse("192.0.2.77"), 50000));
                response.XorMappedAddress = remote;
                response.Lifetime = Lifetime;
                break;
            case StunMethod.Refresh:
                response.Lifetime = request.Lifetime ?? Lifetime;
                break;
            default:
                break;
        }

        Reply(response, remote, signed: true);
    }

    private StunMessage Error(StunMessage request, int code, string reason) =>
        new(request.Type.ErrorResponse, request.TransactionId)
        {
            ErrorCode = new StunErrorCode(code, reason),
            Realm = Realm,
            Nonce = Encoding.ASCII.GetBytes(nonce),
        };

    private void Reply(StunMessage response, IPEndPoint remote, bool signed)
    {
        var bytes = signed ? response.ToArray(StunIntegrity.Sha1, key, fingerprint: false) : response.ToArray();
        if (signed && CorruptIntegrity)
        {
            bytes[^1] ^= 0xFF;
        }

        socket.Send(bytes, remote);
    }
}
