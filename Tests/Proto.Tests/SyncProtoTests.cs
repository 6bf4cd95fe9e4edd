using Google.Protobuf;
using Mesh.Proto;

namespace Mesh.Proto.Tests;

public sealed class SyncProtoTests
{
    [Fact]
    public void An_envelope_with_a_body_kind_from_a_newer_version_parses_with_no_body()
    {
        // version = 1, then field 50 (length-delimited, "hi"): a message kind this build does not know.
        var bytes = new byte[] { 0x08, 0x01, 0x92, 0x03, 0x02, 0x68, 0x69 };

        var envelope = SyncEnvelope.Parser.ParseFrom(bytes);

        Assert.Equal(1u, envelope.Version);
        Assert.Equal(SyncEnvelope.BodyOneofCase.None, envelope.BodyCase);
    }

    [Fact]
    public void Unknown_fields_inside_a_file_entry_are_skipped_and_kept_when_forwarded()
    {
        var entry = new FileEntry { Name = "a.txt", Size = 5, Deleted = false, ModifiedNs = 123 };
        var extra = new byte[] { 0xc8, 0x06, 0x07 }; // field 105, varint 7
        var bytes = entry.ToByteArray().Concat(extra).ToArray();

        var parsed = FileEntry.Parser.ParseFrom(bytes);

        Assert.Equal("a.txt", parsed.Name);
        Assert.Equal(5ul, parsed.Size);
        Assert.Equal(bytes.Length, parsed.ToByteArray().Length);
    }

    [Fact]
    public void A_full_envelope_round_trips()
    {
        var hello = new Hello { DeviceId = ByteString.CopyFrom(new byte[32]), DeviceName = "laptop", ClientVersion = "mesh 1" };
        hello.Folders.Add(new FolderHello { Id = "docs", IndexId = 9, MaxSequence = 10, PeerIndexId = 11, PeerMaxSequence = 12 });
        var envelope = new SyncEnvelope { Version = 1, Hello = hello };

        var parsed = SyncEnvelope.Parser.ParseFrom(envelope.ToByteArray());

        Assert.Equal(envelope, parsed);
        Assert.Equal(12ul, parsed.Hello.Folders[0].PeerMaxSequence);
    }

    [Fact]
    public void A_truncated_message_is_an_error_not_a_partial_value() =>
        Assert.Throws<InvalidProtocolBufferException>(() => SyncEnvelope.Parser.ParseFrom(new byte[] { 0x08, 0x01, 0x12, 0x10, 0x0a }));
}
