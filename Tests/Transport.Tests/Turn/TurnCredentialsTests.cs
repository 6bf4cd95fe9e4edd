using Mesh.Transport.Turn;

namespace Mesh.Transport.Tests.Turn;

public sealed class TurnCredentialsTests
{
    [Fact]
    public void Rest_api_credentials_are_expiry_colon_name_and_base64_hmac_sha1_of_it()
    {
        // Expected value from: printf '1700000000:alice' | openssl dgst -sha1 -hmac north-wind -binary | base64
        var credentials = TurnCredentials.FromSharedSecret("north-wind", "alice", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        Assert.Equal("1700000000:alice", credentials.Username);
        Assert.Equal("Oko4dt8u/EbTRjRUJWQDFm/zTCc=", credentials.Password);
    }

    [Fact]
    public void The_password_does_not_appear_in_the_text_form()
    {
        var credentials = new TurnCredentials("user", "hunter2");
        Assert.DoesNotContain("hunter2", credentials.ToString(), StringComparison.Ordinal);
    }
}
