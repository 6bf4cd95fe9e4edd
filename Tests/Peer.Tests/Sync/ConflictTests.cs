using Google.Protobuf;
using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

public sealed class ConflictTests
{
    [Fact]
    public void A_change_beats_a_delete_whatever_the_times()
    {
        var change = new FileEntry { Name = "f", ModifiedNs = 1, ModifiedBy = 1 };
        var delete = new FileEntry { Name = "f", Deleted = true, ModifiedNs = 999, ModifiedBy = 9 };

        Assert.True(ConflictRule.Wins(change, delete));
        Assert.False(ConflictRule.Wins(delete, change));
    }

    [Fact]
    public void The_later_change_wins_and_ties_go_to_the_higher_device()
    {
        var early = new FileEntry { ModifiedNs = 10, ModifiedBy = 9 };
        var late = new FileEntry { ModifiedNs = 20, ModifiedBy = 1 };
        Assert.True(ConflictRule.Wins(late, early));
        Assert.False(ConflictRule.Wins(early, late));

        var low = new FileEntry { ModifiedNs = 10, ModifiedBy = 1 };
        var high = new FileEntry { ModifiedNs = 10, ModifiedBy = 2 };
        Assert.True(ConflictRule.Wins(high, low));
        Assert.False(ConflictRule.Wins(low, high));
    }

    [Fact]
    public void Files_with_the_same_hash_have_the_same_content()
    {
        var manifest = new FileManifest { Size = 3, FileHash = ByteString.CopyFrom(new byte[32]) };
        var a = new FileEntry { Type = FileType.File, Size = 3, Manifest = manifest, ModifiedNs = 1 };
        var b = new FileEntry { Type = FileType.File, Size = 3, Manifest = manifest.Clone(), ModifiedNs = 2 };
        Assert.True(ConflictRule.SameContent(a, b));

        b.Manifest.FileHash = ByteString.CopyFrom(Enumerable.Repeat((byte)1, 32).ToArray());
        Assert.False(ConflictRule.SameContent(a, b));
        Assert.False(ConflictRule.SameContent(a, new FileEntry { Deleted = true }));
    }

    [Theory]
    [InlineData("report.docx", "report.sync-conflict-20260315-143005-ABCDEFG.docx")]
    [InlineData("dir/archive.tar.gz", "dir/archive.tar.sync-conflict-20260315-143005-ABCDEFG.gz")]
    [InlineData("Makefile", "Makefile.sync-conflict-20260315-143005-ABCDEFG")]
    [InlineData("a.b/.hidden", "a.b/.hidden.sync-conflict-20260315-143005-ABCDEFG")]
    public void Conflict_copies_have_the_documented_name(string name, string expected) =>
        Assert.Equal(expected, ConflictName.For(name, new DateTimeOffset(2026, 3, 15, 14, 30, 5, TimeSpan.Zero), "ABCDEFG"));
}
