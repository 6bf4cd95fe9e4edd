namespace Mesh.Peer.Daemon;

/// <summary>
/// Reports progress on the reporting thread. <see cref="Progress{T}"/> posts each report to the
/// thread pool, where reports can overtake each other; progress counters must arrive in order.
/// </summary>
/// <typeparam name="T">The report type.</typeparam>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}
