namespace Mesh.Simulator.Time;

/// <summary>
/// Virtual time for the simulator: a <see cref="TimeProvider"/> whose clock only moves when the scheduler
/// runs the next event. Timers and packet deliveries are events in one queue, run in time order on the
/// caller's thread; events due at the same instant run in the order they were scheduled, so a run with the
/// same inputs and the same seed is the same run.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    /// <summary>The wall-clock instant virtual time starts at; fixed so traces and mtimes repeat.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly PriorityQueue<ScheduledEvent, (long Ticks, long Sequence)> _queue = new();
    private readonly Lock _gate = new();
    private long _nowTicks;
    private long _sequence;

    /// <summary>Time elapsed since the start of the run.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _nowTicks));

    /// <summary>How many events have run so far; a cheap progress and cost measure.</summary>
    public long EventsRun { get; private set; }

    /// <summary>The number of events waiting in the queue, cancelled ones included.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => Epoch + Elapsed;

    /// <inheritdoc/>
    public override long GetTimestamp() => Volatile.Read(ref _nowTicks);

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> of virtual time.</summary>
    /// <returns>A handle that cancels the event if it has not run yet.</returns>
    public ScheduledEvent Schedule(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        var scheduled = new ScheduledEvent(action);
        lock (_gate)
        {
            _queue.Enqueue(scheduled, (_nowTicks + delay.Ticks, _sequence++));
        }

        return scheduled;
    }

    /// <summary>Runs the next event that is not cancelled, advancing the clock to its time.</summary>
    /// <returns>False if there was no event to run.</returns>
    public bool Step() => Step(long.MaxValue);

    /// <summary>Runs events until none is due at or before <paramref name="until"/> (time since start), then sets the clock there.</summary>
    public void RunUntil(TimeSpan until)
    {
        while (Step(until.Ticks))
        {
        }

        lock (_gate)
        {
            if (_nowTicks < until.Ticks)
            {
                Volatile.Write(ref _nowTicks, until.Ticks);
            }
        }
    }

    /// <summary>Runs events for <paramref name="duration"/> of virtual time.</summary>
    public void RunFor(TimeSpan duration) => RunUntil(Elapsed + duration);

    /// <summary>
    /// Runs events until <paramref name="condition"/> holds (checked after every event) or
    /// <paramref name="limit"/> of virtual time has passed.
    /// </summary>
    /// <returns>Whether the condition held.</returns>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var end = Elapsed + limit;
        while (!condition())
        {
            if (!Step(end.Ticks))
            {
                RunUntil(end);
                return condition();
            }
        }

        return true;
    }

    private bool Step(long untilTicks)
    {
        ScheduledEvent next;
        lock (_gate)
        {
            while (true)
            {
                if (!_queue.TryPeek(out next!, out var key) || key.Ticks > untilTicks)
                {
                    return false;
                }

                _queue.Dequeue();
                if (!next.IsCancelled)
                {
                    if (key.Ticks > _nowTicks)
                    {
                        Volatile.Write(ref _nowTicks, key.Ticks);
                    }

                    break;
                }
            }
        }

        EventsRun++;

        // Continuations that an event completes inline must run inline, on this thread, in this event. With a
        // synchronization context installed (xunit installs one), the runtime refuses to inline them and posts
        // them to the thread pool instead, where they would race the scheduler.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            next.Run();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }

        return true;
    }
}
