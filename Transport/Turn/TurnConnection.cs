using System.Net;

namespace Mesh.Transport.Turn;

/// <summary>The client's path to the TURN server: STUN messages and ChannelData in both directions.</summary>
internal abstract class TurnConnection : IAsyncDisposable
{
    /// <summary>True when the transport is a stream: no retransmissions, ChannelData padded to 4 bytes.</summary>
    public abstract bool IsReliable { get; }

    /// <summary>The server's address.</summary>
    public abstract IPEndPoint Server { get; }

    /// <summary>Our side's address (the host address of the 5-tuple).</summary>
    public abstract IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends one STUN message or ChannelData frame; never blocks.</summary>
    public abstract void Send(ReadOnlySpan<byte> message);

    /// <summary>Starts delivering messages from the server, one at a time.</summary>
    public abstract void Start(Net.DatagramHandler handler);

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();
}
