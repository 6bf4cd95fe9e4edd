using System.Text;
using System.Text.Json;
using Mesh.Transport.Sdp;

namespace Mesh.Peer.Cli;

/// <summary>
/// The line protocol of <c>mesh webrtc-peer</c>: one JSON object per line,
/// <c>{"type":"sdp","desc":{"type":"offer"|"answer","sdp":"…"}}</c> for descriptions and
/// <c>{"type":"result",…}</c> for the closing line; bench messages on the channel are JSON text too.
/// </summary>
internal static class WebRtcPeerSignal
{
    /// <summary>The description line for stdout.</summary>
    public static string DescriptionLine(SdpType type, DataChannelDescription description) => Json(writer =>
    {
        writer.WriteString("type", "sdp");
        writer.WriteStartObject("desc");
        writer.WriteString("type", type == SdpType.Offer ? "offer" : "answer");
        writer.WriteString("sdp", description.ToString());
        writer.WriteEndObject();
    });

    /// <summary>Reads lines until one is a description of <paramref name="expected"/> type; throws <see cref="FormatException"/> on a malformed one, <see cref="EndOfStreamException"/> at the end.</summary>
    public static async Task<DataChannelDescription> ReadDescriptionAsync(TextReader input, SdpType expected, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new EndOfStreamException("stdin ended before the peer's description arrived");
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (!root.TryGetProperty("type", out var type) || type.GetString() != "sdp" || !root.TryGetProperty("desc", out var desc))
            {
                continue;
            }

            var kind = desc.GetProperty("type").GetString();
            var wanted = expected == SdpType.Offer ? "offer" : "answer";
            if (kind != wanted)
            {
                throw new FormatException($"expected an {wanted}, got '{kind}'");
            }

            if (!DataChannelDescription.TryParse(desc.GetProperty("sdp").GetString(), out var description, out var error))
            {
                throw new FormatException("the peer's description is unusable: " + error);
            }

            return description;
        }
    }

    /// <summary>Builds one compact JSON object.</summary>
    public static string Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
