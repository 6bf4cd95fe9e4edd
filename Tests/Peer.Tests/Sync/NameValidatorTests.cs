using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

public sealed class NameValidatorTests
{
    [Theory]
    [InlineData("a.txt")]
    [InlineData("dir/sub/file")]
    [InlineData("Ünïcödé/名前.txt")]
    [InlineData(".hidden/..dots../x")]
    [InlineData("sync-conflict.mesh.txt")]
    public void Ordinary_relative_names_are_valid(string name) => Assert.Null(NameValidator.Check(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("C:/x", "absolute")]
    [InlineData("../x", "'..'")]
    [InlineData("a/../../x", "'..'")]
    [InlineData("a/./b", "'.'")]
    [InlineData("a//b", "empty")]
    [InlineData("a/", "empty")]
    [InlineData("a\0b", "NUL")]
    [InlineData("a\nb", "control")]
    [InlineData("a\\b", "backslash")]
    [InlineData(".mesh/index.db", "engine file")]
    [InlineData(".MESH/x", "engine file")]
    [InlineData(".meshignore", "engine file")]
    [InlineData("dir/.mesh.file.txt.tmp", "temporary")]
    public void Hostile_names_are_rejected_with_a_reason(string name, string reason) =>
        Assert.Contains(reason, NameValidator.Check(name), StringComparison.Ordinal);

    [Fact]
    public void Names_that_are_not_nfc_are_rejected()
    {
        var decomposed = "cafe\u0301.txt";
        Assert.Equal("name is not NFC", NameValidator.Check(decomposed));
        Assert.Null(NameValidator.Check(Nfc.Normalize(decomposed)));
        Assert.Equal("caf\u00e9.txt", Nfc.Normalize(decomposed));
        Assert.True(Nfc.IsExact);
    }

    [Fact]
    public void Over_long_components_are_rejected() =>
        Assert.Equal("component too long", NameValidator.Check(new string('x', 256)));

    [Theory]
    [InlineData("CON")]
    [InlineData("dir/nul.txt")]
    [InlineData("com1")]
    [InlineData("trailing.")]
    [InlineData("what?")]
    public void Windows_reserved_names_are_recognised(string name) => Assert.True(NameValidator.ReservedOnWindows(name));

    [Fact]
    public void The_temporary_name_maps_back_to_its_target()
    {
        var temporary = EngineFiles.TemporaryFor("report.pdf");
        Assert.Equal(".mesh.report.pdf.tmp", temporary);
        Assert.True(EngineFiles.IsTemporary(temporary));
        Assert.Equal("report.pdf", EngineFiles.TargetOf(temporary));
    }
}
