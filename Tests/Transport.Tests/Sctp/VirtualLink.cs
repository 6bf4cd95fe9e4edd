namespace Mesh.Transport.Tests.Sctp;

/// <summary>
/// A deterministic datagram link between two endpoints A and B on a <see cref="VirtualClock"/>: loss,
/// duplication, reordering, latency and an MTU per direction, all from one seeded Random, so a failing
/// seed replays exactly. <see cref="RunUntil"/> pumps datagrams and timers until a condition holds.
/// </summary>
internal sealed class VirtualLink(VirtualClock clock, int seed)
{
    private readonly PriorityQueue<(byte[] Data, bool ToB), (long Due, long Order)> _queue = new();
    private readonly Random _random = new(seed);
    private long _order;

    public LinkConditions AToB { get; set; } = LinkConditions.Clean;

    public LinkConditions BToA { get; set; } = LinkConditions.Clean;

    public Action<byte[]>? DeliverToA { get; set; }

    public Action<byte[]>? DeliverToB { get; set; }

    /// <summary>Called with every datagram A sends, before conditions apply; may return null to drop it.</summary>
    public Func<byte[], byte[]?>? TapAToB { get; set; }

    public Func<byte[], byte[]?>? TapBToA { get; set; }

    public long Delivered { get; private set; }

    public void SendFromA(ReadOnlySpan<byte> datagram) => Enqueue(datagram, toB: true);

    public void SendFromB(ReadOnlySpan<byte> datagram) => Enqueue(datagram, toB: false);

    private void Enqueue(ReadOnlySpan<byte> datagram, bool toB)
    {
        var conditions = toB ? AToB : BToA;
        var tapped = (toB ? TapAToB : TapBToA) is { } tap ? tap(datagram.ToArray()) : datagram.ToArray();
        if (tapped is null || !conditions.Up || tapped.Length > conditions.Mtu || _random.NextDouble() < conditions.Loss)
        {
            return;
        }

        var copies = _random.NextDouble() < conditions.Duplication ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = conditions.Latency.Ticks;
            if (_random.NextDouble() < conditions.Reordering)
            {
                delay += (long)(_random.NextDouble() * conditions.ReorderDelay.Ticks);
            }

            _queue.Enqueue((tapped, toB), (clock.Now + delay, _order++));
        }
    }

    /// <summary>Delivers datagrams and fires timers in time order until <paramref name="done"/> or the virtual deadline; true if done.</summary>
    public bool RunUntil(Func<bool> done, TimeSpan virtualLimit)
    {
        var limit = clock.Now + virtualLimit.Ticks;
        while (!done())
        {
            var nextPacket = _queue.TryPeek(out _, out var priority) ? priority.Due : long.MaxValue;
            var next = Math.Min(nextPacket, clock.NextDue);
            if (next == long.MaxValue || next > limit)
            {
                clock.AdvanceTo(limit);
                return done();
            }

            if (nextPacket <= clock.NextDue)
            {
                clock.AdvanceTo(nextPacket);
                var (data, toB) = _queue.Dequeue();
                Delivered++;
                (toB ? DeliverToB : DeliverToA)?.Invoke(data);
            }
            else
            {
                clock.AdvanceTo(next);
            }
        }

        return true;
    }
}
