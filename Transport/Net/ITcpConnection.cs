using System.Net;

namespace Mesh.Transport.Net;

/// <summary>An established TCP connection: a duplex byte stream with its two addresses.</summary>
public interface ITcpConnection : IAsyncDisposable
{
    /// <summary>The connection's bytes, both directions.</summary>
    Stream Stream { get; }

    /// <summary>Our side's address.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>The other side's address.</summary>
    IPEndPoint RemoteEndPoint { get; }
}
