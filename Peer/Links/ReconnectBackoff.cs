namespace Mesh.Peer.Links;

/// <summary>
/// Exponential backoff with jitter for redialling a peer: the base pause starts at the minimum and
/// doubles with each failure up to the maximum; each pause is the base times a random factor in
/// [0.75, 1.25), so devices that lost each other at the same moment do not redial in lockstep.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private readonly Lock _randomGate;
    private TimeSpan _base;

    /// <summary>Creates the backoff; <paramref name="random"/> is shared and guarded by <paramref name="randomGate"/>.</summary>
    public ReconnectBackoff(TimeSpan min, TimeSpan max, Random random, Lock randomGate)
    {
        _min = min;
        _max = max;
        _random = random;
        _randomGate = randomGate;
        _base = min;
    }

    /// <summary>The pause before the next attempt; the one after it will be about twice as long.</summary>
    public TimeSpan Next()
    {
        double factor;
        lock (_randomGate)
        {
            factor = 0.75 + (_random.NextDouble() * 0.5);
        }

        var pause = _base * factor;
        _base = _base * 2 > _max ? _max : _base * 2;
        return pause;
    }

    /// <summary>Starts again from the minimum, after a link that worked.</summary>
    public void Reset() => _base = _min;
}
