using System.Net;
using System.Net.Sockets;

namespace Mesh.Transport.Net;

/// <summary>A listening TCP socket as an <see cref="ITcpListener"/>.</summary>
internal sealed class SocketTcpListener : ITcpListener
{
    private readonly Socket socket;

    public SocketTcpListener(Socket socket)
    {
        this.socket = socket;
        LocalEndPoint = SocketTcpConnection.Normalise((IPEndPoint)socket.LocalEndPoint!);
    }

    public IPEndPoint LocalEndPoint { get; }

    public async ValueTask<ITcpConnection> AcceptAsync(CancellationToken cancellationToken = default)
    {
        var accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            accepted.NoDelay = true;
            return new SocketTcpConnection(accepted);
        }
        catch
        {
            accepted.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
