namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>
/// Delays between reconnect attempts: the first retry is immediate (a dropped connection is usually
/// resumable at once), then the delay doubles from the initial value up to the maximum. Each delay is
/// drawn between half and all of that value ("equal jitter"), so many clients that lost the same
/// server do not return to it in lockstep.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;

    public ReconnectBackoff(TimeSpan initial, TimeSpan max, Random random)
    {
        _initial = initial;
        _max = max;
        _random = random;
    }

    /// <summary>The delay before attempt number <paramref name="attempt"/> (0 = first retry).</summary>
    public TimeSpan Delay(int attempt)
    {
        if (attempt <= 0)
        {
            return TimeSpan.Zero;
        }

        var ceiling = _initial.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(ceiling, _max.Ticks);
        return TimeSpan.FromTicks((long)((capped / 2) + (_random.NextDouble() * capped / 2)));
    }
}
