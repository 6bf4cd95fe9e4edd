using Mesh.Transport.Sctp;

namespace Mesh.Transport.Tests.Sctp;

/// <summary>
/// Issue 6's transfer test at its full size: 256 MiB each way at once between two of our associations
/// over the deterministic virtual link, under loss, reordering, duplication and a small MTU, with the
/// SHA-256 of what was sent compared to what arrived in order. On virtual time the run is CPU-bound
/// only (no timers are waited for), which keeps it to tens of seconds; the other transfer tests use
/// smaller sizes per single condition.
/// </summary>
public sealed class LargeTransferTests
{
    private const long Bytes = 256L * 1024 * 1024;

    public static TheoryData<string, double, double, double, int> Conditions => new()
    {
        { "loss 1%, reordering, duplication, MTU 576", 0.01, 0.02, 0.05, 576 },
        { "loss 5%, reordering, duplication, MTU 1200", 0.05, 0.02, 0.05, 1200 },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public void TwoHundredFiftySixMebibytesEachWayAtOnceArriveWholeAndInOrder(string name, double loss, double duplication, double reordering, int mtu)
    {
        using var pair = TwoWayTransfer.Run(name, Bytes, new LinkConditions { Loss = loss, Duplication = duplication, Reordering = reordering, Mtu = mtu }, TimeSpan.FromHours(2), keepMessages: false);
        Assert.Equal(AssociationState.Established, pair.B.State);
        Assert.True(pair.A.Statistics.Retransmissions > 0 && pair.B.Statistics.Retransmissions > 0);
        Assert.True(pair.A.Statistics.DuplicatesReceived > 0 && pair.B.Statistics.DuplicatesReceived > 0);
    }
}
