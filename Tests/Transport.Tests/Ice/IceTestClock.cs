namespace Mesh.Transport.Tests.Ice;

/// <summary>A manual clock with an event queue: timers and datagram deliveries run in time order when the test advances it.</summary>
internal sealed class IceTestClock : TimeProvider
{
    private readonly PriorityQueue<Action, (long, long)> _queue = new();
    private long _now;
    private long _sequence;

    public TimeSpan Elapsed => TimeSpan.FromTicks(_now);

    public override long GetTimestamp() => _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) + Elapsed;

    public void Schedule(TimeSpan delay, Action action) => _queue.Enqueue(action, (_now + Math.Max(0, delay.Ticks), _sequence++));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, () => callback(state));
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Runs events until <paramref name="condition"/> holds or <paramref name="limit"/> of virtual time passes.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        var end = _now + limit.Ticks;
        while (!condition())
        {
            if (!_queue.TryPeek(out _, out var key) || key.Item1 > end)
            {
                _now = Math.Max(_now, end);
                return condition();
            }

            _queue.Dequeue()();
            _now = Math.Max(_now, key.Item1);
        }

        return true;
    }

    public void RunFor(TimeSpan duration) => RunUntil(() => false, duration);

    private sealed class Timer(IceTestClock clock, Action fire) : ITimer
    {
        private long _generation;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var generation = ++_generation;
            _period = period;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Arm(dueTime, generation);
            }

            return true;
        }

        public void Dispose() => _generation = -1;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Arm(TimeSpan due, long generation) => clock.Schedule(due, () =>
        {
            if (_generation != generation)
            {
                return;
            }

            if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
            {
                Arm(_period, generation);
            }

            fire();
        });
    }
}
