namespace Mesh.Transport.Sctp;

/// <summary>Round-trip time and retransmission timeout estimation (RFC 9260 section 6.3.1).</summary>
internal sealed class RtoEstimator(TimeSpan initial, TimeSpan min, TimeSpan max)
{
    private double _srtt;
    private double _rttvar;
    private bool _measured;

    /// <summary>The current retransmission timeout.</summary>
    public TimeSpan Rto { get; private set; } = initial;

    /// <summary>The smoothed round-trip time, or zero before the first measurement.</summary>
    public TimeSpan SmoothedRtt => TimeSpan.FromMilliseconds(_srtt);

    /// <summary>Adds one measurement (taken only from chunks sent once, per Karn's rule).</summary>
    public void Measure(TimeSpan rtt)
    {
        var r = Math.Max(rtt.TotalMilliseconds, 0);
        if (!_measured)
        {
            _srtt = r;
            _rttvar = r / 2;
            _measured = true;
        }
        else
        {
            _rttvar = 0.75 * _rttvar + 0.25 * Math.Abs(_srtt - r);
            _srtt = 0.875 * _srtt + 0.125 * r;
        }

        Rto = Clamp(TimeSpan.FromMilliseconds(_srtt + 4 * Math.Max(_rttvar, 1)));
    }

    /// <summary>Doubles the RTO after a timeout (back-off), up to the maximum.</summary>
    public void BackOff() => Rto = Clamp(Rto * 2);

    private TimeSpan Clamp(TimeSpan value) => value < min ? min : value > max ? max : value;
}
