using System.Runtime.CompilerServices;

namespace Mesh.Transport.Sctp;

/// <summary>
/// One of an association's timers over a <see cref="TimeProvider"/>. The owner calls <see cref="TakeDue"/>
/// under its lock when the callback runs, so a timer stopped or restarted after it fired is ignored.
/// </summary>
internal sealed class SctpTimer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long _deadline = long.MaxValue;

    public SctpTimer(TimeProvider time, Action<SctpTimer> callback)
    {
        _time = time;
        _timer = time.CreateTimer(_ => callback(this), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public bool IsRunning => _deadline != long.MaxValue;

    /// <summary>True if running and its deadline has passed; clears it, as the timer fires once per start.</summary>
    public bool TakeDue()
    {
        if (!IsRunning)
        {
            return false;
        }

        var remaining = _deadline - _time.GetUtcNow().UtcTicks;
        if (remaining > 0)
        {
            // A system timer may fire a clock tick early; wait out the rest rather than lose the expiry.
            _timer.Change(TimeSpan.FromTicks(remaining), Timeout.InfiniteTimeSpan);
            return false;
        }

        _deadline = long.MaxValue;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Start(TimeSpan due)
    {
        _deadline = _time.GetUtcNow().UtcTicks + due.Ticks;
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Stop()
    {
        if (IsRunning)
        {
            _deadline = long.MaxValue;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer.Dispose();
}
