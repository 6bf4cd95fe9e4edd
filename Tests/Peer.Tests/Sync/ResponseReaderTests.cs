using Google.Protobuf;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

public sealed class ResponseReaderTests
{
    public static TheoryData<ulong, ErrorCode, int> Responses => new()
    {
        { 1, ErrorCode.None, 1 },
        { 127, ErrorCode.None, 65_536 },
        { 128, ErrorCode.None, 1024 * 1024 },
        { ulong.MaxValue, ErrorCode.None, 300 },
        { 42, ErrorCode.InvalidFile, 0 },
        { 0, ErrorCode.None, 0 },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public void Reads_the_id_code_and_data_of_what_protobuf_encodes(ulong id, ErrorCode code, int size)
    {
        var data = SyncEngineTests.RandomBytes(size, (int)(id % 1000));
        var message = SyncProtocol.Encode(new SyncEnvelope { Response = new Response { Id = id, Code = code, Data = ByteString.CopyFrom(data) } });

        Assert.True(ResponseReader.TryRead(message, out var readId, out var readCode, out var range));

        Assert.Equal(id, readId);
        Assert.Equal(code, readCode);
        Assert.Equal(data, message.AsSpan()[range].ToArray());
    }

    [Fact]
    public void Fields_in_another_order_are_read_too()
    {
        // Envelope: response (6) before version (1); response: data (2), code (3), id (1).
        byte[] message = [0x32, 0x09, 0x12, 0x03, 0xaa, 0xbb, 0xcc, 0x18, 0x01, 0x08, 0x05, 0x08, 0x01];

        Assert.True(ResponseReader.TryRead(message, out var id, out var code, out var range));

        Assert.Equal(5UL, id);
        Assert.Equal(ErrorCode.Generic, code);
        Assert.Equal(new byte[] { 0xaa, 0xbb, 0xcc }, message.AsSpan()[range].ToArray());
    }

    [Fact]
    public void Other_message_kinds_are_left_to_the_general_decoder()
    {
        var request = SyncProtocol.Encode(new SyncEnvelope { Request = new Request { Id = 1, Folder = "f", Name = "n", Size = 10, Hash = ByteString.CopyFrom(new byte[32]) } });
        var ping = SyncProtocol.Encode(new SyncEnvelope { Ping = new Ping() });
        var index = SyncProtocol.Encode(new SyncEnvelope { Index = new Mesh.Proto.Index { Folder = "f" } });

        Assert.False(ResponseReader.TryRead(request, out _, out _, out _));
        Assert.False(ResponseReader.TryRead(ping, out _, out _, out _));
        Assert.False(ResponseReader.TryRead(index, out _, out _, out _));
    }

    [Fact]
    public void Unknown_fields_are_left_to_the_general_decoder()
    {
        // Field 15 in the response body, and field 20 in the envelope.
        byte[] inBody = [0x08, 0x01, 0x32, 0x06, 0x08, 0x05, 0x12, 0x00, 0x78, 0x07];
        byte[] inEnvelope = [0x08, 0x01, 0x32, 0x04, 0x08, 0x05, 0x12, 0x00, 0xa0, 0x01, 0x01];

        Assert.False(ResponseReader.TryRead(inBody, out _, out _, out _));
        Assert.False(ResponseReader.TryRead(inEnvelope, out _, out _, out _));
        Assert.Equal(5UL, SyncEnvelope.Parser.ParseFrom(inBody).Response.Id);
        Assert.Equal(5UL, SyncEnvelope.Parser.ParseFrom(inEnvelope).Response.Id);
    }

    [Fact]
    public void A_response_without_a_version_is_not_read()
    {
        byte[] message = [0x32, 0x02, 0x08, 0x05];

        Assert.False(ResponseReader.TryRead(message, out _, out _, out _));
        Assert.False(SyncProtocol.TryDecode(message, out _, out _));
    }

    [Fact]
    public void Every_truncation_of_a_response_is_refused_without_an_exception()
    {
        var message = SyncProtocol.Encode(new SyncEnvelope { Response = new Response { Id = 300, Code = ErrorCode.NoSuchFile, Data = ByteString.CopyFrom(new byte[200]) } });

        for (var length = 0; length < message.Length; length++)
        {
            Assert.False(ResponseReader.TryRead(message.AsSpan(0, length), out _, out _, out _), $"truncated to {length} bytes");
        }
    }

    [Fact]
    public void Lengths_past_the_end_and_overlong_varints_are_refused()
    {
        byte[] bodyPastEnd = [0x08, 0x01, 0x32, 0x7f, 0x08, 0x05];
        byte[] dataPastBody = [0x08, 0x01, 0x32, 0x04, 0x08, 0x05, 0x12, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00];
        byte[] hugeLength = [0x08, 0x01, 0x32, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x08, 0x05];
        byte[] elevenByteVarint = [0x08, 0x01, 0x32, 0x0c, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        byte[] tenthByteTooBig = [0x08, 0x01, 0x32, 0x0b, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        byte[] twoBodies = [0x08, 0x01, 0x32, 0x02, 0x08, 0x05, 0x32, 0x02, 0x08, 0x06];

        Assert.False(ResponseReader.TryRead(bodyPastEnd, out _, out _, out _));
        Assert.False(ResponseReader.TryRead(dataPastBody, out _, out _, out _));
        Assert.False(ResponseReader.TryRead(hugeLength, out _, out _, out _));
        Assert.False(ResponseReader.TryRead(elevenByteVarint, out _, out _, out _));
        Assert.False(ResponseReader.TryRead(tenthByteTooBig, out _, out _, out _));
        Assert.False(ResponseReader.TryRead(twoBodies, out _, out _, out _));
    }

    [Theory]
    [InlineData(1UL, 1)]
    [InlineData(127UL, 65_536)]
    [InlineData(128UL, 1024 * 1024)]
    [InlineData(ulong.MaxValue, 300)]
    [InlineData(0UL, 16_384)]
    public void The_hand_written_prefix_is_byte_for_byte_what_protobuf_encodes(ulong id, int size)
    {
        var data = SyncEngineTests.RandomBytes(size, 11);
        var expected = SyncProtocol.Encode(new SyncEnvelope { Response = new Response { Id = id, Data = ByteString.CopyFrom(data) } });
        var prefix = ResponseWriter.PrefixLength(id, size);
        var message = new byte[prefix + size];
        ResponseWriter.WritePrefix(message.AsSpan(0, prefix), id, size);
        data.CopyTo(message, prefix);

        Assert.Equal(expected, message);
        Assert.True(ResponseReader.TryRead(message, out var readId, out _, out var range));
        Assert.Equal(id, readId);
        Assert.Equal(new Range(prefix, prefix + size), range);
    }

    [Fact]
    public void A_batch_is_read_in_place_as_protobuf_encodes_it()
    {
        var batch = new ResponseBatch();
        batch.Responses.Add(new Response { Id = 1, Data = ByteString.CopyFrom(SyncEngineTests.RandomBytes(65_536, 1)) });
        batch.Responses.Add(new Response { Id = 0, Data = ByteString.CopyFrom(SyncEngineTests.RandomBytes(300, 2)) });
        batch.Responses.Add(new Response { Id = 300, Code = ErrorCode.InvalidFile });
        batch.Responses.Add(new Response { Id = ulong.MaxValue, Data = ByteString.CopyFrom(SyncEngineTests.RandomBytes(200_000, 3)) });
        var message = SyncProtocol.Encode(new SyncEnvelope { ResponseBatch = batch });
        var answers = new List<(ulong Id, ErrorCode Code, Range Data)>();

        Assert.True(ResponseReader.TryReadBatch(message, answers));

        Assert.Equal(batch.Responses.Select(r => (r.Id, r.Code, r.Data.ToByteArray())),
            answers.Select(a => (a.Id, a.Code, message.AsSpan()[a.Data].ToArray())));
        Assert.False(ResponseReader.TryRead(message, out _, out _, out _));
    }

    [Fact]
    public void A_batch_with_a_field_this_version_does_not_send_is_left_to_the_general_decoder()
    {
        // Field 15 inside the second response; then field 2 in the batch itself.
        byte[] inResponse = [0x08, 0x01, 0x52, 0x0a, 0x0a, 0x02, 0x08, 0x05, 0x0a, 0x04, 0x08, 0x06, 0x78, 0x07];
        byte[] inBatch = [0x08, 0x01, 0x52, 0x06, 0x0a, 0x02, 0x08, 0x05, 0x10, 0x01];
        var answers = new List<(ulong Id, ErrorCode Code, Range Data)>();

        Assert.False(ResponseReader.TryReadBatch(inResponse, answers));
        Assert.Empty(answers);
        Assert.False(ResponseReader.TryReadBatch(inBatch, answers));
        Assert.Equal(6UL, SyncEnvelope.Parser.ParseFrom(inResponse).ResponseBatch.Responses[1].Id);
    }

    [Fact]
    public void Every_truncation_of_a_batch_is_refused_without_an_exception()
    {
        var batch = new ResponseBatch();
        batch.Responses.Add(new Response { Id = 300, Data = ByteString.CopyFrom(new byte[200]) });
        batch.Responses.Add(new Response { Id = 301, Code = ErrorCode.NoSuchFile });
        var message = SyncProtocol.Encode(new SyncEnvelope { ResponseBatch = batch });
        var answers = new List<(ulong Id, ErrorCode Code, Range Data)>();

        for (var length = 0; length < message.Length; length++)
        {
            Assert.False(ResponseReader.TryReadBatch(message.AsSpan(0, length), answers), $"truncated to {length} bytes");
        }
    }

    [Fact]
    public void The_hand_written_batch_is_byte_for_byte_what_protobuf_encodes()
    {
        (ulong Id, byte[] Data)[] responses = [(1, SyncEngineTests.RandomBytes(1, 4)), (0, SyncEngineTests.RandomBytes(65_536, 5)),
            (128, SyncEngineTests.RandomBytes(300, 6)), (ulong.MaxValue, SyncEngineTests.RandomBytes(262_144, 7))];
        var batch = new ResponseBatch();
        batch.Responses.AddRange(responses.Select(r => new Response { Id = r.Id, Data = ByteString.CopyFrom(r.Data) }));
        var expected = SyncProtocol.Encode(new SyncEnvelope { ResponseBatch = batch });

        var entries = responses.Sum(r => ResponseWriter.BatchEntryPrefixLength(r.Id, r.Data.Length) + r.Data.Length);
        var header = ResponseWriter.BatchHeaderLength(entries);
        var message = new byte[header + entries];
        ResponseWriter.WriteBatchHeader(message.AsSpan(0, header), entries);
        var position = header;
        foreach (var (id, data) in responses)
        {
            var prefix = ResponseWriter.BatchEntryPrefixLength(id, data.Length);
            ResponseWriter.WriteBatchEntryPrefix(message.AsSpan(position, prefix), id, data.Length);
            data.CopyTo(message, position + prefix);
            position += prefix + data.Length;
        }

        Assert.Equal(expected, message);
    }

    [Fact]
    public void A_chunk_buffer_holds_a_copy_until_disposed()
    {
        var source = SyncEngineTests.RandomBytes(70_000, 9);
        var buffer = ChunkBuffer.CopyOf(source);
        source[0] ^= 0xff;

        Assert.Equal(70_000, buffer.Length);
        Assert.NotEqual(source[0], buffer.Span[0]);
        buffer.Dispose();
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
    }
}
