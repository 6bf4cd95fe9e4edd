namespace Mesh.Peer.Sync;

/// <summary>
/// Keeps runs of a job (a pull pass, an index send) at least a gap apart, from the end of one run to the
/// start of the next. A wake-up soon after a run waits out the rest of the gap, so a burst of wake-ups
/// is served by one run; a wake-up after a quiet spell runs at once instead of always paying the gap.
/// </summary>
internal sealed class RunSpacing(TimeSpan gap, TimeProvider time)
{
    private long _lastEnded;
    private bool _ran;

    /// <summary>Records that a run has just ended.</summary>
    public void Ended()
    {
        _lastEnded = time.GetTimestamp();
        _ran = true;
    }

    /// <summary>How long to wait before the next run: what is left of the gap since the last run ended.</summary>
    public TimeSpan WaitBeforeNext()
    {
        if (!_ran)
        {
            return TimeSpan.Zero;
        }

        var left = gap - time.GetElapsedTime(_lastEnded);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Waits <see cref="WaitBeforeNext"/>, if anything.</summary>
    public Task WaitAsync(CancellationToken ct)
    {
        var wait = WaitBeforeNext();
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, ct) : Task.CompletedTask;
    }
}
