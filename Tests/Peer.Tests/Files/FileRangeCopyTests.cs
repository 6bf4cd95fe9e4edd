using Mesh.Peer.Files;

namespace Mesh.Peer.Tests.Files;

public sealed class FileRangeCopyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_range_at_unaligned_offsets_lands_exactly_where_asked_and_nothing_else_changes()
    {
        var source = new byte[3 * 1024 * 1024 + 17];
        new Random(6).NextBytes(source);
        var before = new byte[source.Length + 1];
        new Random(7).NextBytes(before);
        File.WriteAllBytes(_folder.Combine("source"), source);
        File.WriteAllBytes(_folder.Combine("destination"), before);

        using (var input = File.OpenHandle(_folder.Combine("source")))
        using (var output = File.OpenHandle(_folder.Combine("destination"), FileMode.Open, FileAccess.ReadWrite))
        {
            // Shifted by one byte, as after an insert: source and destination never share an alignment.
            FileRangeCopy.Copy(input, 999, output, 1000, source.Length - 999);
        }

        var after = File.ReadAllBytes(_folder.Combine("destination"));
        Assert.Equal(before.AsSpan(0, 1000).ToArray(), after.AsSpan(0, 1000).ToArray());
        Assert.Equal(source.AsSpan(999).ToArray(), after.AsSpan(1000).ToArray());
    }

    [Fact]
    public void A_source_shorter_than_the_range_is_an_error()
    {
        File.WriteAllBytes(_folder.Combine("short"), new byte[1000]);
        using var input = File.OpenHandle(_folder.Combine("short"));
        using var output = File.OpenHandle(_folder.Combine("out"), FileMode.Create, FileAccess.ReadWrite);

        Assert.Throws<IOException>(() => FileRangeCopy.Copy(input, 0, output, 0, 2000));
    }
}
