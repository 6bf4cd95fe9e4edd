using Mesh.Peer.Identity;

namespace Mesh.Peer.Tests.Identity;

public sealed class DeviceIdTests
{
    [Fact]
    public void The_readable_form_round_trips_and_has_eight_groups_of_seven()
    {
        using var identity = DeviceIdentity.CreateEphemeral();
        var text = identity.Id.ToString();

        Assert.Matches("^([A-Z2-7]{7}-){7}[A-Z2-7]{7}$", text);
        Assert.Equal(identity.Id, DeviceId.Parse(text));
        Assert.Equal(identity.Id, DeviceId.Parse(text.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_single_character_typo_is_caught_by_the_check_characters()
    {
        using var identity = DeviceIdentity.CreateEphemeral();
        var text = identity.Id.ToString().Replace("-", string.Empty, StringComparison.Ordinal);
        var caught = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var replacement = text[i] == 'A' ? 'B' : 'A';
            var typo = text[..i] + replacement + text[(i + 1)..];
            caught += DeviceId.TryParse(typo, out _) ? 0 : 1;
        }

        // 20 check bits: a miss is possible in principle (1 in a million per typo), so allow none here
        // only because the IDs are random and the chance over 56 typos is negligible.
        Assert.Equal(text.Length, caught);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABC")]
    [InlineData("AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAA1")]
    public void Malformed_text_is_not_a_device_id(string text) => Assert.False(DeviceId.TryParse(text, out _));

    [Fact]
    public void The_id_is_the_sha256_of_the_public_key_and_the_short_forms_agree()
    {
        using var identity = DeviceIdentity.CreateEphemeral();
        var expected = System.Security.Cryptography.SHA256.HashData(identity.Key.ExportSubjectPublicKeyInfo());

        Assert.Equal(expected, identity.Id.Bytes.ToArray());
        Assert.Equal(identity.Id.Short, DeviceId.ShortOf(identity.Id.ShortId));
        Assert.Equal(identity.Id.ToString()[..7], identity.Id.Short);
    }

    [Fact]
    public void The_key_is_stored_owner_only_and_loads_back_as_the_same_device()
    {
        using var home = new TempFolder();
        var directory = home.Combine("config");
        DeviceId first;
        using (var created = DeviceIdentity.LoadOrCreate(directory))
        {
            first = created.Id;
        }

        using var loaded = DeviceIdentity.LoadOrCreate(directory);
        Assert.Equal(first, loaded.Id);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, DeviceIdentity.KeyFileName)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        }
    }

    [Fact]
    public void The_certificate_carries_the_device_key()
    {
        using var identity = DeviceIdentity.CreateEphemeral();
        using var certificate = identity.CreateCertificate(DateTimeOffset.UtcNow);
        using var key = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPublicKey(certificate)!;

        Assert.Equal(identity.Id, DeviceId.FromPublicKey(key.ExportSubjectPublicKeyInfo()));
    }
}
