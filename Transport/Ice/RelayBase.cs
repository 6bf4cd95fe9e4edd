using System.Net;
using Mesh.Transport.Turn;

namespace Mesh.Transport.Ice;

/// <summary>
/// A TURN allocation as the base of a relayed candidate: checks and data go out through the relay, and the
/// server relays only from peers with a permission, so one is installed for every remote candidate address.
/// </summary>
internal sealed class RelayBase : CandidateBase
{
    private readonly TurnClient _client;
    private readonly HashSet<IPAddress> _permitted = [];
    private readonly int _maxDatagramSize;

    public RelayBase(TurnClient client, int maxDatagramSize)
    {
        _client = client;
        _maxDatagramSize = maxDatagramSize;
    }

    public override IPEndPoint LocalEndPoint => _client.RelayedAddress;

    public override int MaxDatagramSize => _maxDatagramSize;

    /// <summary>Our address as the TURN server saw it, the relayed candidate's related address.</summary>
    public IPEndPoint? MappedAddress => _client.MappedAddress;

    public IPEndPoint Server => _client.Server;

    public TurnClient Client => _client;

    /// <summary>Set once the server has told us it no longer holds the allocation: nothing goes through it any more.</summary>
    public bool Lost { get; set; }

    public override void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote) => _client.Send(datagram, remote);

    /// <summary>
    /// Asks the server (once per address) to relay from <paramref name="peer"/>, then calls <paramref name="ready"/>
    /// so checks that went out before the permission existed (and were dropped by the server) are sent again at
    /// once instead of after a retransmission timeout. A failure only costs that peer's relayed pairs.
    /// </summary>
    public void Permit(IPAddress peer, Action<RelayBase, IPAddress> ready)
    {
        if (Lost || peer.AddressFamily != LocalEndPoint.AddressFamily || !_permitted.Add(peer))
        {
            return;
        }

        _ = _client.CreatePermissionAsync(peer).ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    ready(this, peer);
                }
                else
                {
                    _ = t.Exception;
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public override string ToString() => $"relay {LocalEndPoint} via {Server}";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _client.Dispose();
        }
    }
}
