using System.Runtime.CompilerServices;

namespace Mesh.Transport.Sctp.Congestion;

/// <summary>
/// SCTP's congestion window (RFC 9260 section 7.2): slow start, congestion avoidance, the halving on fast
/// retransmit and fast recovery, and the collapse to one MTU on a retransmission timeout.
/// </summary>
internal sealed class RenoWindow
{
    private readonly int _mtu;
    private int _partialBytesAcked;

    public RenoWindow(int mtu)
    {
        _mtu = mtu;
        Cwnd = Math.Min(4 * mtu, Math.Max(2 * mtu, 4380));
        Ssthresh = int.MaxValue;
    }

    /// <summary>The congestion window in bytes.</summary>
    public int Cwnd { get; private set; }

    /// <summary>The slow-start threshold in bytes.</summary>
    public int Ssthresh { get; private set; }

    /// <summary>True between a fast retransmit and the acknowledgement of <see cref="RecoveryExit"/>.</summary>
    public bool InFastRecovery { get; private set; }

    /// <summary>The highest TSN outstanding when fast recovery began.</summary>
    public uint RecoveryExit { get; private set; }

    /// <summary>Grows the window after a SACK that advanced the cumulative TSN (section 7.2.1 and 7.2.2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnCumulativeAck(int bytesAcked, int flightBefore, uint cumulativeTsn)
    {
        if (InFastRecovery && SerialNumber.GreaterOrEqual(cumulativeTsn, RecoveryExit))
        {
            InFastRecovery = false;
        }

        if (InFastRecovery || bytesAcked <= 0)
        {
            return;
        }

        // Only a window that was used may grow, or an application-limited sender would inflate it.
        var fullyUsed = flightBefore + _mtu > Cwnd;
        if (Cwnd <= Ssthresh)
        {
            if (fullyUsed)
            {
                Cwnd += Math.Min(bytesAcked, _mtu);
            }

            return;
        }

        _partialBytesAcked += bytesAcked;
        if (_partialBytesAcked >= Cwnd && fullyUsed)
        {
            _partialBytesAcked -= Cwnd;
            Cwnd += _mtu;
        }
    }

    /// <summary>Enters fast recovery on the first fast retransmit of a loss event (section 7.2.3).</summary>
    public void OnFastRetransmit(uint highestOutstanding)
    {
        if (InFastRecovery)
        {
            return;
        }

        Ssthresh = Math.Max(Cwnd / 2, 4 * _mtu);
        Cwnd = Ssthresh;
        _partialBytesAcked = 0;
        InFastRecovery = true;
        RecoveryExit = highestOutstanding;
    }

    /// <summary>Collapses the window after T3-rtx expired (section 7.2.3).</summary>
    public void OnTimeout()
    {
        Ssthresh = Math.Max(Cwnd / 2, 4 * _mtu);
        Cwnd = _mtu;
        _partialBytesAcked = 0;
        InFastRecovery = false;
    }
}
