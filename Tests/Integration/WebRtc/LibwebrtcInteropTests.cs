using System.Text.Json;

namespace Mesh.Integration.WebRtc;

/// <summary>
/// Mesh's data channels against Google's libwebrtc (@roamhq/wrtc), on loopback, through the
/// <c>mesh webrtc-peer</c> line protocol: Mesh as offerer and as answerer, echotest both ways, 64 MiB
/// each way with hashes compared, and messages at the advertised max-message-size (256 KiB).
/// </summary>
public sealed class LibwebrtcInteropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(150);

    [SkippableFact]
    public async Task MeshOffererEchotestAgainstLibwebrtcEchoSucceeds()
    {
        var (offer, answer) = await WebRtcPeerProcess.RunAsync(
            WebRtcPeerProcess.Mesh("--role", "offer", "--mode", "echotest", "--timeout", "60"),
            WebRtcPeerProcess.Libwebrtc("--role", "answer", "--mode", "echo", "--timeout", "60"),
            Timeout);
        AssertOk(offer);
        AssertOk(answer);
    }

    [SkippableFact]
    public async Task LibwebrtcOffererEchotestAgainstMeshEchoSucceeds()
    {
        var (offer, answer) = await WebRtcPeerProcess.RunAsync(
            WebRtcPeerProcess.Libwebrtc("--role", "offer", "--mode", "echotest", "--timeout", "60"),
            WebRtcPeerProcess.Mesh("--role", "answer", "--mode", "echo", "--timeout", "60"),
            Timeout);
        AssertOk(offer);
        AssertOk(answer);
    }

    [SkippableFact]
    public async Task MeshSends64MiBToLibwebrtcWithMatchingHashes()
    {
        var (offer, answer) = await WebRtcPeerProcess.RunAsync(
            WebRtcPeerProcess.Mesh("--role", "offer", "--mode", "send", "--mib", "64", "--timeout", "120"),
            WebRtcPeerProcess.Libwebrtc("--role", "answer", "--mode", "recv", "--timeout", "120"),
            Timeout);
        AssertTransfer(offer, answer, 64L * 1024 * 1024);
    }

    [SkippableFact]
    public async Task LibwebrtcSends64MiBToMeshWithMatchingHashes()
    {
        var (offer, answer) = await WebRtcPeerProcess.RunAsync(
            WebRtcPeerProcess.Libwebrtc("--role", "offer", "--mode", "send", "--mib", "64", "--timeout", "120"),
            WebRtcPeerProcess.Mesh("--role", "answer", "--mode", "recv", "--timeout", "120"),
            Timeout);
        AssertTransfer(offer, answer, 64L * 1024 * 1024);
    }

    [SkippableFact]
    public async Task MessagesAtMaxMessageSizeGoBothWays()
    {
        const string MaxMessage = "262144";
        var (offer, answer) = await WebRtcPeerProcess.RunAsync(
            WebRtcPeerProcess.Mesh("--role", "offer", "--mode", "send", "--mib", "2", "--msg", MaxMessage, "--timeout", "60"),
            WebRtcPeerProcess.Libwebrtc("--role", "answer", "--mode", "recv", "--timeout", "60"),
            Timeout);
        AssertTransfer(offer, answer, 2L * 1024 * 1024);
        (offer, answer) = await WebRtcPeerProcess.RunAsync(
            WebRtcPeerProcess.Libwebrtc("--role", "offer", "--mode", "send", "--mib", "2", "--msg", MaxMessage, "--timeout", "60"),
            WebRtcPeerProcess.Mesh("--role", "answer", "--mode", "recv", "--timeout", "60"),
            Timeout);
        AssertTransfer(offer, answer, 2L * 1024 * 1024);
    }

    private static void AssertOk(JsonElement result)
    {
        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.True(result.GetProperty("ok").GetBoolean());
    }

    private static void AssertTransfer(JsonElement sender, JsonElement receiver, long bytes)
    {
        Assert.False(sender.TryGetProperty("error", out var error), "sender: " + error);
        Assert.False(receiver.TryGetProperty("error", out error), "receiver: " + error);
        Assert.Equal(bytes, sender.GetProperty("bytes").GetInt64());
        Assert.Equal(bytes, receiver.GetProperty("bytes").GetInt64());
        Assert.Equal(sender.GetProperty("sha256").GetString(), receiver.GetProperty("sha256").GetString());
        Assert.True(sender.GetProperty("ok").GetBoolean());
    }
}
