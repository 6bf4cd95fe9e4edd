using Mesh.Transport.Sctp;

namespace Mesh.Transport.Tests.Sctp;

/// <summary>
/// Both associations of a fresh pair send the same amount at once under one set of link conditions
/// (the MTU of the conditions is the associations' too); checks that everything arrived whole and in
/// order on both sides, and hands the pair back for the caller's statistics checks.
/// </summary>
internal static class TwoWayTransfer
{
    public static AssociationPair Run(string name, long bytes, LinkConditions conditions, TimeSpan limit, bool keepMessages = true)
    {
        var pair = new AssociationPair(seed: name.Length, configure: o => o with { Mtu = conditions.Mtu }, keepMessages: keepMessages);
        try
        {
            pair.Link.AToB = conditions;
            pair.Link.BToA = conditions;
            pair.Connect();
            var toB = new BulkSender(pair.A, bytes, 65536, seed: 1);
            var toA = new BulkSender(pair.B, bytes, 65536, seed: 2);
            var atB = new BulkReceiver(pair.B, bytes);
            var atA = new BulkReceiver(pair.A, bytes);
            toB.Pump();
            toA.Pump();
            Assert.True(
                pair.Link.RunUntil(() => atA.Hash is not null && atB.Hash is not null, limit),
                $"{name}: B got {atB.Received}, A got {atA.Received} of {bytes}; A {pair.A.State} {pair.A.CloseReason}, B {pair.B.State} {pair.B.CloseReason}");
            Assert.Equal(toB.Hash, atB.Hash);
            Assert.Equal(toA.Hash, atA.Hash);
            Assert.Equal(AssociationState.Established, pair.A.State);
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }
}
