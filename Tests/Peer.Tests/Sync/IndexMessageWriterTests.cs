using Google.Protobuf;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

public sealed class IndexMessageWriterTests
{
    [Theory]
    [InlineData(true, "docs", 77UL, false)]
    [InlineData(true, "docs", 77UL, true)]
    [InlineData(false, "docs", 77UL, false)]
    [InlineData(false, "docs", 77UL, true)]
    [InlineData(false, "", 0UL, true)]
    [InlineData(false, "a folder with a long name that is more than one hundred and twenty-seven bytes long, so its length takes two bytes of varint", ulong.MaxValue, false)]
    public void Stored_entries_are_laid_out_byte_for_byte_as_protobuf_encodes_the_message(bool full, string folder, ulong indexId, bool more)
    {
        var entries = new[]
        {
            new FileEntry { Name = "dir", Type = FileType.Directory, Version = VersionVector.Of((1, 2)).ToProto(), Sequence = 5 },
            new FileEntry
            {
                Name = "dir/file.bin", Size = 3, Mode = 420, ModifiedNs = 1_700_000_000_123_456_789, Sequence = 300, ModifiedBy = 9,
                Version = VersionVector.Of((1, 2), (9, 1)).ToProto(),
                Manifest = new FileManifest { ChunkerId = 1, Size = 3, FileHash = ByteString.CopyFrom(new byte[32]), Chunks = { new ChunkRef { Hash = ByteString.CopyFrom(new byte[32]), Length = 3 } } },
            },
            new FileEntry { Name = "gone", Deleted = true, Version = VersionVector.Of((1, 9)).ToProto(), Sequence = 100_000 },
        };
        var expected = new SyncEnvelope();
        if (full)
        {
            expected.Index = new Mesh.Proto.Index { Folder = folder, IndexId = indexId, Files = { entries } };
        }
        else
        {
            expected.IndexUpdate = new IndexUpdate { Folder = folder, IndexId = indexId, More = more, Files = { entries } };
        }

        var written = IndexMessageWriter.Write(full, folder, indexId, entries.Select(e => e.ToByteArray()).ToList(), more);

        Assert.Equal(SyncProtocol.Encode(expected), written);
    }

    [Fact]
    public void An_update_without_entries_is_still_a_valid_message()
    {
        var written = IndexMessageWriter.Write(false, "docs", 3, [], more: false);

        Assert.True(SyncProtocol.TryDecode(written, out var envelope, out _));
        Assert.Equal(SyncEnvelope.BodyOneofCase.IndexUpdate, envelope.BodyCase);
        Assert.Empty(envelope.IndexUpdate.Files);
    }
}
