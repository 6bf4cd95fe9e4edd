using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>
/// Reads a link message that is a <see cref="Response"/> or a <see cref="ResponseBatch"/> without
/// building protobuf objects, so a chunk's bytes are located in the received frame, not copied into a
/// fresh <c>ByteString</c> (for a batch of medium files that was a gen0 array per chunk: B's largest
/// GC cost in scenario a). Only the shape this protocol version sends is taken: an envelope of
/// <c>version</c> (field 1) and <c>response</c> (field 6) or <c>response_batch</c> (field 10, whose
/// only field is the repeated response, 1), a response of <c>id</c> (1), <c>data</c> (2) and <c>code</c> (3), in any
/// order. Anything else, including bad encoding, is "not read here": the caller then decodes the
/// message the general way, which skips unknown fields of newer senders and names what is malformed.
/// </summary>
internal static class ResponseReader
{
    private const int VarintType = 0;
    private const int LengthType = 2;
    private const int ResponseField = 6;
    private const int ResponseBatchField = 10;

    /// <summary>True when <paramref name="message"/> is a well-formed Response envelope of version 1 or later.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out ulong id, out ErrorCode code, out Range data)
    {
        id = 0;
        code = ErrorCode.None;
        data = default;
        return TryReadEnvelope(message, ResponseField, out var body, out var bodyLength) &&
               TryReadBody(message.Slice(body, bodyLength), body, out id, out code, out data);
    }

    /// <summary>
    /// True when <paramref name="message"/> is a well-formed ResponseBatch envelope of version 1 or later;
    /// <paramref name="answers"/> then holds each response's id, code and data (a range of
    /// <paramref name="message"/>), in the order sent. On false it is left empty.
    /// </summary>
    public static bool TryReadBatch(ReadOnlySpan<byte> message, List<(ulong Id, ErrorCode Code, Range Data)> answers)
    {
        answers.Clear();
        if (!TryReadEnvelope(message, ResponseBatchField, out var body, out var bodyLength))
        {
            return false;
        }

        var batch = message.Slice(body, bodyLength);
        var position = 0;
        while (position < batch.Length)
        {
            if (!TryReadVarint(batch, ref position, out var tag) || tag != ((1 << 3) | LengthType) ||
                !TryReadLength(batch, ref position, out var length) ||
                !TryReadBody(batch.Slice(position, length), body + position, out var id, out var code, out var data))
            {
                answers.Clear();
                return false;
            }

            answers.Add((id, code, data));
            position += length;
        }

        return true;
    }

    // The envelope: version (field 1) and exactly one body, the field asked for; where the body starts and its length.
    private static bool TryReadEnvelope(ReadOnlySpan<byte> message, int bodyField, out int body, out int bodyLength)
    {
        ulong version = 0;
        body = -1;
        bodyLength = 0;
        var position = 0;
        while (position < message.Length)
        {
            if (!TryReadVarint(message, ref position, out var tag))
            {
                return false;
            }

            if (tag == ((1 << 3) | VarintType))
            {
                if (!TryReadVarint(message, ref position, out version))
                {
                    return false;
                }
            }
            else if (tag == (ulong)((bodyField << 3) | LengthType))
            {
                // A repeated body field would be merged by protobuf; that is left to it.
                if (body >= 0 || !TryReadLength(message, ref position, out bodyLength))
                {
                    return false;
                }

                body = position;
                position += bodyLength;
            }
            else
            {
                return false;
            }
        }

        return version != 0 && body >= 0;
    }

    private static bool TryReadBody(ReadOnlySpan<byte> body, int start, out ulong id, out ErrorCode code, out Range data)
    {
        id = 0;
        code = ErrorCode.None;
        data = new Range(start, start);
        var seenData = false;
        var position = 0;
        while (position < body.Length)
        {
            if (!TryReadVarint(body, ref position, out var tag))
            {
                return false;
            }

            switch (tag)
            {
                case (1 << 3) | VarintType:
                    if (!TryReadVarint(body, ref position, out id))
                    {
                        return false;
                    }

                    break;
                case (2 << 3) | LengthType:
                    if (seenData || !TryReadLength(body, ref position, out var length))
                    {
                        return false;
                    }

                    seenData = true;
                    data = new Range(start + position, start + position + length);
                    position += length;
                    break;
                case (3 << 3) | VarintType:
                    if (!TryReadVarint(body, ref position, out var value) || value > int.MaxValue)
                    {
                        return false;
                    }

                    code = (ErrorCode)(int)value;
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool TryReadLength(ReadOnlySpan<byte> source, ref int position, out int length)
    {
        length = 0;
        if (!TryReadVarint(source, ref position, out var value) || value > (ulong)(source.Length - position))
        {
            return false;
        }

        length = (int)value;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> source, ref int position, out ulong value) =>
        Varint.TryRead(source, ref position, out value) == VarintRead.Read;
}
