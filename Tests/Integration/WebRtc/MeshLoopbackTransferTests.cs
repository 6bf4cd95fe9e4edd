namespace Mesh.Integration.WebRtc;

/// <summary>
/// Issue 6's 256 MiB transfer between two Mesh processes over real loopback UDP: ICE, DTLS (with the
/// AES-GCM fast path), SCTP and a data channel, through the <c>mesh webrtc-peer</c> line protocol, with
/// the receiver's SHA-256 compared to the sender's. The lossy variants of the same size run on the
/// virtual link (Transport.Tests' LargeTransferTests), where loss, reordering and duplication are exact.
/// </summary>
public sealed class MeshLoopbackTransferTests
{
    [Fact]
    public async Task TwoHundredFiftySixMebibytesBetweenTwoMeshPeersArriveWithMatchingHashes()
    {
        const long Bytes = 256L * 1024 * 1024;
        var (sender, receiver) = await WebRtcPeerProcess.RunAsync(
            WebRtcPeerProcess.Mesh("--role", "offer", "--mode", "send", "--mib", "256", "--timeout", "400"),
            WebRtcPeerProcess.Mesh("--role", "answer", "--mode", "recv", "--timeout", "400"),
            TimeSpan.FromSeconds(420));
        Assert.False(sender.TryGetProperty("error", out var error), "sender: " + error);
        Assert.False(receiver.TryGetProperty("error", out error), "receiver: " + error);
        Assert.Equal(Bytes, sender.GetProperty("bytes").GetInt64());
        Assert.Equal(Bytes, receiver.GetProperty("bytes").GetInt64());
        Assert.Equal(sender.GetProperty("sha256").GetString(), receiver.GetProperty("sha256").GetString());
        Assert.True(sender.GetProperty("ok").GetBoolean());
    }
}
