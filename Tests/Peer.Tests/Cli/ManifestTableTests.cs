using Google.Protobuf;
using Mesh.Peer.Cli;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Cli;

public sealed class ManifestTableTests
{
    [Fact]
    public void Rows_are_right_aligned_in_their_columns_with_lower_case_hex_hashes()
    {
        var first = Enumerable.Range(0, 32).Select(i => (byte)(i * 8)).ToArray();
        var second = Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray();
        var manifest = new FileManifest
        {
            ChunkerId = 1,
            Size = 70_000,
            FileHash = ByteString.CopyFrom(new byte[32]),
            Chunks =
            {
                new ChunkRef { Length = 65_536, Hash = ByteString.CopyFrom(first) },
                new ChunkRef { Length = 4_464, Hash = ByteString.CopyFrom(second) },
            },
        };

        var lines = ManifestTable.Format("f.bin", manifest).Split('\n');

        Assert.Equal("   index          offset    length  hash", lines[6]);
        Assert.Equal($"       0               0     65536  {Convert.ToHexStringLower(first)}", lines[7]);
        Assert.Equal($"       1           65536      4464  {Convert.ToHexStringLower(second)}", lines[8]);
        Assert.Equal(string.Empty, lines[9]);
        Assert.Equal(10, lines.Length);
    }

    [Fact]
    public void Values_wider_than_their_column_and_hashes_of_other_lengths_are_printed_whole()
    {
        // Only a manifest that fails validation has such values, but printing must not cut them.
        var longHash = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var manifest = new FileManifest
        {
            ChunkerId = 77,
            Size = 1,
            FileHash = ByteString.CopyFrom(new byte[32]),
            Chunks =
            {
                new ChunkRef { Length = uint.MaxValue, Hash = ByteString.CopyFrom(longHash) },
                new ChunkRef { Length = 1, Hash = ByteString.CopyFrom([0xAB]) },
            },
        };

        var lines = ManifestTable.Format("f.bin", manifest).Split('\n');

        Assert.Equal($"       0               0  4294967295  {Convert.ToHexStringLower(longHash)}", lines[7]);
        Assert.Equal("       1      4294967295         1  ab", lines[8]);
    }
}
