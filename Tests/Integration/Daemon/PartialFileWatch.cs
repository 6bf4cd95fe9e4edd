namespace Mesh.Integration.Daemon;

/// <summary>
/// Watches a folder while a file is being pulled into it and records every moment the file's real name
/// exists with anything but its final size: a partial file under a real name is what the engine must
/// never show, whatever happens to the process.
/// </summary>
internal sealed class PartialFileWatch : IAsyncDisposable
{
    private readonly string _path;
    private readonly long _finalSize;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;
    private readonly List<string> _violations = [];
    private readonly Lock _lock = new();

    public PartialFileWatch(string path, long finalSize)
    {
        _path = path;
        _finalSize = finalSize;
        _watching = Task.Run(WatchAsync);
    }

    public int Looks { get; private set; }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_lock)
            {
                return [.. _violations];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
    }

    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var file = new FileInfo(_path);
            if (file.Exists && file.Length != _finalSize)
            {
                lock (_lock)
                {
                    _violations.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {file.Name} has {file.Length} of {_finalSize} bytes");
                }
            }

            Looks++;
            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
