using System.Net;

namespace Mesh.Transport.Net;

/// <summary>A listening TCP socket.</summary>
public interface ITcpListener : IAsyncDisposable
{
    /// <summary>The address and port being listened on.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Waits for the next incoming connection.</summary>
    ValueTask<ITcpConnection> AcceptAsync(CancellationToken cancellationToken = default);
}
