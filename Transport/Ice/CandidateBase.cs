using System.Net;

namespace Mesh.Transport.Ice;

/// <summary>
/// Where a local candidate's packets really leave from: a UDP socket for host and reflexive candidates, a
/// TURN allocation for relayed ones. Checks and data for a pair are sent through the local candidate's base.
/// </summary>
internal abstract class CandidateBase : IDisposable
{
    /// <summary>The address packets from this base carry as their source, before any NAT.</summary>
    public abstract IPEndPoint LocalEndPoint { get; }

    /// <summary>The local preference of candidates on this base (see <see cref="CandidatePriority.LocalPreference"/>).</summary>
    public int LocalPreference { get; init; }

    /// <summary>The largest datagram this base carries to a peer.</summary>
    public abstract int MaxDatagramSize { get; }

    /// <summary>Sends one datagram to <paramref name="remote"/>.</summary>
    public abstract void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the socket or allocation.</summary>
    protected abstract void Dispose(bool disposing);
}
