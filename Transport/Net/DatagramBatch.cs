namespace Mesh.Transport.Net;

/// <summary>
/// Lets a thread hold back the UDP datagrams it sends until it has produced a burst of them, so a socket
/// that supports segmentation offload hands the burst to the kernel in one system call. Layers in
/// between (DTLS, ICE) need not know: a socket endpoint that can batch looks for the calling thread's
/// open batch and appends to it. Datagrams keep their order; a batch goes out when it is full, when the
/// next datagram cannot join it (another socket, peer or size), and when the outermost scope ends.
/// </summary>
public static class DatagramBatch
{
    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static SegmentRun? t_run;

    [ThreadStatic]
    private static List<Action>? t_atEnd;

    /// <summary>Opens a batch on this thread (scopes nest; the outermost one sends). Dispose the scope on the same thread.</summary>
    public static Scope Begin()
    {
        t_depth++;
        return new Scope(true);
    }

    /// <summary>True if the calling thread has a batch open.</summary>
    public static bool IsOpen => t_depth > 0;

    /// <summary>
    /// Runs <paramref name="action"/> on this thread when its outermost batch ends, before the batch is
    /// sent (so what it sends joins the batch); at once if no batch is open. A protocol uses this to
    /// answer a burst of input once instead of per datagram.
    /// </summary>
    public static void AtEnd(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (t_depth == 0)
        {
            action();
            return;
        }

        (t_atEnd ??= []).Add(action);
    }

    /// <summary>The calling thread's run of datagrams waiting to be sent, if a batch is open.</summary>
    internal static SegmentRun? Current => t_depth > 0 ? t_run ??= new SegmentRun() : null;

    /// <summary>Sends what the calling thread's batch holds without closing it.</summary>
    public static void Flush() => t_run?.Flush();

    /// <summary>An open batch; disposing the outermost one sends what is held.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _open;

        internal Scope(bool open) => _open = open;

        /// <summary>Closes this scope; the outermost one flushes the batch.</summary>
        public void Dispose()
        {
            if (!_open || t_depth == 0)
            {
                return;
            }

            if (t_depth == 1 && t_atEnd is { Count: > 0 } actions)
            {
                // Still open while they run, so what they send is batched; they may add more.
                try
                {
                    for (var i = 0; i < actions.Count; i++)
                    {
                        actions[i]();
                    }
                }
                finally
                {
                    actions.Clear();
                }
            }

            if (--t_depth == 0)
            {
                t_run?.Flush();
            }
        }
    }
}
