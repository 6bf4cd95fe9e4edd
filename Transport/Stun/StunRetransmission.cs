namespace Mesh.Transport.Stun;

/// <summary>
/// The request retransmission schedule of RFC 8489 section 6.2.1: send at 0, RTO, 3 RTO, 7 RTO, … (the
/// interval doubles) for <see cref="MaxTransmissions"/> (Rc) sends, then wait <see cref="LastWaitMultiplier"/>
/// (Rm) times RTO for a response before giving up. Over a reliable transport there are no
/// retransmissions, only <see cref="ReliableTimeout"/> (Ti).
/// </summary>
/// <param name="InitialRto">RTO; RFC 8489 recommends 500 ms; ICE derives it from Ta and the number of pairs.</param>
/// <param name="MaxTransmissions">Rc, the number of sends; 7 by default.</param>
/// <param name="LastWaitMultiplier">Rm; 16 by default.</param>
/// <param name="Reliable">True over TCP: send once and wait <see cref="ReliableTimeout"/>.</param>
public sealed record StunRetransmission(TimeSpan InitialRto, int MaxTransmissions = 7, int LastWaitMultiplier = 16, bool Reliable = false)
{
    /// <summary>The RFC's defaults for UDP: RTO 500 ms, Rc 7, Rm 16 (gives up after 39.5 s).</summary>
    public static StunRetransmission Default { get; } = new(TimeSpan.FromMilliseconds(500));

    /// <summary>For TCP: one send, Ti = 39.5 s.</summary>
    public static StunRetransmission ForReliable { get; } = new(TimeSpan.FromMilliseconds(500), 1, 0, Reliable: true);

    /// <summary>Ti, the wait for a response over a reliable transport.</summary>
    public static TimeSpan ReliableTimeout { get; } = TimeSpan.FromMilliseconds(39500);

    /// <summary>The wait after send number <paramref name="transmission"/> (1-based) before the next send or giving up.</summary>
    public TimeSpan WaitAfter(int transmission)
    {
        if (Reliable)
        {
            return ReliableTimeout;
        }

        return transmission >= MaxTransmissions
            ? InitialRto * LastWaitMultiplier
            : InitialRto * (1L << Math.Min(transmission - 1, 30));
    }

    /// <summary>The total time from the first send until the request gives up.</summary>
    public TimeSpan TotalTimeout
    {
        get
        {
            var total = TimeSpan.Zero;
            for (var i = 1; i <= (Reliable ? 1 : MaxTransmissions); i++)
            {
                total += WaitAfter(i);
            }

            return total;
        }
    }
}
