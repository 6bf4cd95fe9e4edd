namespace Mesh.Peer.Sync;

/// <summary>
/// Wakes waiters when something changed. Take <see cref="Next"/> before looking at the state, then
/// await it if there was nothing to do: a change between the look and the wait is never missed.
/// </summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Notify"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes everyone waiting on the current <see cref="Next"/>.</summary>
    public void Notify()
    {
        var previous = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
