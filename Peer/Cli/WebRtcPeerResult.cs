using System.Text.Json;

namespace Mesh.Peer.Cli;

/// <summary>The closing <c>{"type":"result",…}</c> line of <c>mesh webrtc-peer</c>.</summary>
internal sealed record WebRtcPeerResult
{
    public long Bytes { get; init; }

    public double Seconds { get; init; }

    public string? Sha256 { get; init; }

    public bool? Ok { get; init; }

    public string? Error { get; init; }

    public double CpuSeconds { get; init; }

    public bool Success => Error is null && Ok != false;

    public string ToLine() => WebRtcPeerSignal.Json(writer =>
    {
        writer.WriteString("type", "result");
        writer.WriteNumber("bytes", Bytes);
        writer.WriteNumber("seconds", Math.Round(Seconds, 4));
        writer.WriteNumber("MBps", Seconds > 0 ? Math.Round(Bytes / Seconds / 1e6, 2) : 0);
        writer.WriteNumber("cpuSeconds", Math.Round(CpuSeconds, 3));
        if (Sha256 is not null)
        {
            writer.WriteString("sha256", Sha256);
        }

        if (Ok is { } ok)
        {
            writer.WriteBoolean("ok", ok);
        }

        if (Error is not null)
        {
            writer.WriteString("error", Error);
        }
    });

    /// <summary>Reads one field of a bench control message, or null.</summary>
    public static JsonElement? Field(string text, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty(name, out var value) ? value.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
