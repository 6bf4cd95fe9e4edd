using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Control;

/// <summary>
/// The daemon's control endpoint: a Unix domain socket in the home (mode 0600 inside the 0700 home,
/// so only the owner can connect; never TCP). Each connection sends JSON requests one per line and
/// gets one JSON line back for each.
/// </summary>
internal sealed class ControlServer : IAsyncDisposable
{
    /// <summary>Longest request line accepted; requests are tiny, so anything longer is a wrong client.</summary>
    public const int MaxRequestChars = 64 * 1024;

    private readonly Socket _listener;
    private readonly Func<ControlRequest, CancellationToken, Task<ControlResponse>> _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private Task? _acceptLoop;

    private ControlServer(Socket listener, string path, Func<ControlRequest, CancellationToken, Task<ControlResponse>> handler, ILogger logger)
    {
        _listener = listener;
        SocketPath = path;
        _handler = handler;
        _logger = logger;
    }

    /// <summary>Path of the socket file.</summary>
    public string SocketPath { get; }

    /// <summary>
    /// Binds the socket at <paramref name="path"/>. A socket file left by a daemon that was killed is
    /// replaced; one that still answers means another daemon runs on this home, and that is refused.
    /// </summary>
    /// <exception cref="ControlSocketInUseException">Another daemon answers on <paramref name="path"/>, or the path cannot be bound.</exception>
    public static async Task<ControlServer> StartAsync(string path, Func<ControlRequest, CancellationToken, Task<ControlResponse>> handler, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Encoding.UTF8.GetByteCount(path) >= 104)
        {
            // sun_path holds 108 bytes on Linux and 104 on macOS.
            throw new ControlSocketInUseException($"the control socket path {path} is too long for a Unix socket; use a shorter --home");
        }

        if (File.Exists(path))
        {
            if (await AnswersAsync(path, ct).ConfigureAwait(false))
            {
                throw new ControlSocketInUseException($"another mesh daemon is already running for this home (it answers on {path})");
            }

            File.Delete(path);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            listener.Listen(16);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new ControlSocketInUseException($"cannot listen on control socket {path}: {e.Message}", e);
        }

        var server = new ControlServer(listener, path, handler, logger);
        server._acceptLoop = Task.Run(() => server.AcceptLoopAsync(server._stop.Token), CancellationToken.None);
        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _connections, .. _acceptLoop is null ? [] : new[] { _acceptLoop }];
        }

        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // Whoever starts next replaces a stale socket anyway.
        }

        _stop.Dispose();
    }

    private static async Task<bool> AnswersAsync(string path, CancellationToken ct)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_gate)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(Task.Run(() => ServeAsync(client, ct), CancellationToken.None));
            }
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        using var stream = new NetworkStream(client, ownsSocket: true);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
                if (line is null)
                {
                    return;
                }

                var response = await AnswerAsync(line, ct).ConfigureAwait(false);
                await writer.WriteLineAsync(JsonSerializer.Serialize(response, ControlJsonContext.Default.ControlResponse).AsMemory(), ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went away or the daemon is stopping.
        }
    }

    private async Task<ControlResponse> AnswerAsync(string line, CancellationToken ct)
    {
        if (line.Length > MaxRequestChars)
        {
            return ControlResponse.Failed("request too long");
        }

        ControlRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlRequest);
        }
        catch (JsonException e)
        {
            return ControlResponse.Failed($"malformed request: {e.Message}");
        }

        if (request?.Command is null)
        {
            return ControlResponse.Failed("malformed request: no command");
        }

        try
        {
            return await _handler(request, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ControlResponse.Failed("the daemon is stopping");
        }
#pragma warning disable CA1031 // A failing request is answered with its error; the daemon keeps running.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogWarning(e, "Control request {Command} failed: {Reason}", request.Command, e.Message);
            return ControlResponse.Failed(e.Message);
        }
    }
}
