namespace Mesh.Simulator.Time;

/// <summary>One action waiting in a <see cref="VirtualClock"/>'s queue; cancelling it makes the scheduler skip it.</summary>
public sealed class ScheduledEvent
{
    private Action? _action;

    internal ScheduledEvent(Action action) => _action = action;

    /// <summary>Whether the event was cancelled or has already run.</summary>
    public bool IsCancelled => Volatile.Read(ref _action) is null;

    /// <summary>Stops the event from running; harmless if it already ran.</summary>
    public void Cancel() => Volatile.Write(ref _action, null);

    internal void Run() => Interlocked.Exchange(ref _action, null)?.Invoke();
}
