namespace Mesh.Transport.Tests.Sctp;

/// <summary>
/// Virtual time for the SCTP tests: the clock moves only when the pump says, timers fire on the pump's
/// thread in due order, and <see cref="NextDue"/> tells the pump when the next one is.
/// </summary>
internal sealed class VirtualClock : TimeProvider
{
    private readonly List<VirtualTimer> _timers = [];
    private long _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _now;

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(_now);

    public TimeSpan Elapsed => TimeSpan.FromTicks(_now);

    public long Now => _now;

    /// <summary>The tick of the earliest armed timer, or long.MaxValue.</summary>
    public long NextDue
    {
        get
        {
            var due = long.MaxValue;
            foreach (var timer in _timers)
            {
                due = Math.Min(due, timer.Due);
            }

            return due;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves to <paramref name="tick"/>, firing every timer due on the way.</summary>
    public void AdvanceTo(long tick)
    {
        while (true)
        {
            VirtualTimer? next = null;
            foreach (var timer in _timers)
            {
                if (timer.Due <= tick && (next is null || timer.Due < next.Due))
                {
                    next = timer;
                }
            }

            if (next is null)
            {
                _now = Math.Max(_now, tick);
                return;
            }

            _now = Math.Max(_now, next.Due);
            _timers.Remove(next);
            next.Fire();
        }
    }

    public void Advance(TimeSpan by) => AdvanceTo(_now + by.Ticks);

    private sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public long Due { get; private set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock._timers.Remove(this);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                Due = long.MaxValue;
                return true;
            }

            Due = clock._now + Math.Max(0, dueTime.Ticks);
            clock._timers.Add(this);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => clock._timers.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
