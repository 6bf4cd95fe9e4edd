using System.Net;
using Mesh.Transport.Net;

namespace Mesh.Simulator.Network;

/// <summary>A listening TCP port on a <see cref="VirtualHost"/>; connections queue until accepted.</summary>
internal sealed class VirtualTcpListener : ITcpListener
{
    private readonly VirtualHost _host;
    private readonly Queue<ITcpConnection> _ready = new();
    private readonly Queue<TaskCompletionSource<ITcpConnection>> _waiting = new();
    private readonly Lock _gate = new();
    private bool _disposed;

    public VirtualTcpListener(VirtualHost host, IPEndPoint local)
    {
        _host = host;
        LocalEndPoint = local;
    }

    public IPEndPoint LocalEndPoint { get; }

    public bool IsOpen => !_disposed;

    public ValueTask<ITcpConnection> AcceptAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<ITcpConnection> waiter;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_ready.TryDequeue(out var connection))
            {
                return ValueTask.FromResult(connection);
            }

            waiter = new TaskCompletionSource<ITcpConnection>();
            _waiting.Enqueue(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
        }

        return new ValueTask<ITcpConnection>(waiter.Task);
    }

    public ValueTask DisposeAsync()
    {
        List<TaskCompletionSource<ITcpConnection>> waiting;
        lock (_gate)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            waiting = [.. _waiting];
            _waiting.Clear();
        }

        _host.Unlisten(this);
        foreach (var waiter in waiting)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(VirtualTcpListener)));
        }

        return ValueTask.CompletedTask;
    }

    internal void Offer(ITcpConnection connection)
    {
        while (true)
        {
            TaskCompletionSource<ITcpConnection>? waiter;
            lock (_gate)
            {
                if (!_waiting.TryDequeue(out waiter))
                {
                    _ready.Enqueue(connection);
                    return;
                }
            }

            if (waiter.TrySetResult(connection))
            {
                return;
            }
        }
    }
}
