using Google.Protobuf;
using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>
/// Encoding of link messages: one <see cref="SyncEnvelope"/> each. Version 1 is the first release;
/// every later version stays wire-compatible with it by only adding fields and body kinds, which
/// older receivers skip. An envelope without a version, or one that does not parse, is malformed.
/// </summary>
internal static class SyncProtocol
{
    /// <summary>The protocol version this build speaks.</summary>
    public const uint Version = 1;

    /// <summary>
    /// Listed in Hello by a device that answers <see cref="RequestBatch"/> with <see cref="ResponseBatch"/>;
    /// batches are sent only to a peer that lists it, so older peers keep getting one request per message.
    /// </summary>
    public const string RequestBatchFeature = "request-batch";

    /// <summary>Serializes an envelope, stamping the version.</summary>
    public static byte[] Encode(SyncEnvelope envelope)
    {
        envelope.Version = Version;
        return envelope.ToByteArray();
    }

    /// <summary>Parses a link message; on failure <paramref name="error"/> says why and the link should close.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> message, out SyncEnvelope envelope, out string? error)
    {
        envelope = new SyncEnvelope();
        try
        {
            envelope = SyncEnvelope.Parser.ParseFrom(message);
        }
        catch (InvalidProtocolBufferException ex)
        {
            error = "malformed message: " + ex.Message;
            return false;
        }

        if (envelope.Version == 0)
        {
            error = "message without a protocol version";
            return false;
        }

        error = null;
        return true;
    }
}
