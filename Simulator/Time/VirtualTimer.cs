namespace Mesh.Simulator.Time;

/// <summary>
/// A timer on a <see cref="VirtualClock"/>: each due time is one scheduled event, so the callback runs on
/// the scheduler's thread at the exact virtual instant, in order with packet deliveries.
/// </summary>
internal sealed class VirtualTimer : ITimer
{
    private readonly VirtualClock _clock;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private readonly Lock _gate = new();
    private ScheduledEvent? _next;
    private TimeSpan _period = Timeout.InfiniteTimeSpan;
    private bool _disposed;

    public VirtualTimer(VirtualClock clock, TimerCallback callback, object? state)
    {
        _clock = clock;
        _callback = callback;
        _state = state;
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            _next?.Cancel();
            _next = null;
            _period = period;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Arm(dueTime);
            }

            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _next?.Cancel();
            _next = null;
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Arm(TimeSpan dueTime)
    {
        ScheduledEvent? armed = null;
        armed = _clock.Schedule(dueTime, () => Fire(armed!));
        _next = armed;
    }

    private void Fire(ScheduledEvent fired)
    {
        lock (_gate)
        {
            if (_disposed || !ReferenceEquals(_next, fired))
            {
                return;
            }

            _next = null;
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                Arm(_period);
            }
        }

        _callback(_state);
    }
}
