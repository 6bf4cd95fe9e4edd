using System.Security.Cryptography;
using System.Text;
using Mesh.Signalling.Xmpp;
using Mesh.Signalling.Xmpp.Sasl;

namespace Mesh.Signalling.Tests.Xmpp.Sasl;

public sealed class ScramClientTests
{
    [Fact]
    public void Sha1_exchange_matches_the_rfc5802_example()
    {
        var scram = new ScramClient(HashAlgorithmName.SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", "n", null);
        Assert.Equal("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", Encoding.UTF8.GetString(scram.ClientFirst()));
        var final = scram.ClientFinal("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"u8);
        Assert.Equal("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", Encoding.UTF8.GetString(final));
        scram.VerifyServerFinal("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="u8);
    }

    [Fact]
    public void Sha256_exchange_matches_the_rfc7677_example()
    {
        var scram = new ScramClient(HashAlgorithmName.SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO", "n", null);
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", Encoding.UTF8.GetString(scram.ClientFirst()));
        var final = scram.ClientFinal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"u8);
        Assert.Equal(
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            Encoding.UTF8.GetString(final));
        scram.VerifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="u8);
    }

    [Fact]
    public void A_wrong_server_signature_is_an_authentication_error()
    {
        var scram = new ScramClient(HashAlgorithmName.SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", "n", null);
        scram.ClientFirst();
        scram.ClientFinal("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"u8);
        var e = Assert.Throws<XmppException>(() => scram.VerifyServerFinal("v=AAAAv3Bz2T0CJGbJQyF0X+HI4Ts="u8));
        Assert.Equal(XmppErrorKind.Authentication, e.Kind);
    }

    [Theory]
    [InlineData("r=otherNonce,s=QSXCR+Q6sek8bf92,i=4096", "nonce")]
    [InlineData("r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096", "nonce")]
    [InlineData("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=1", "iteration")]
    [InlineData("r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=2000000000", "iteration")]
    [InlineData("r=fyko+d2lbbFgONRv9qkxdawLx,i=4096", "lacks 's='")]
    [InlineData("m=ext,r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096", "extension")]
    [InlineData("garbage", "malformed")]
    public void Hostile_server_first_messages_are_rejected(string serverFirst, string reason)
    {
        var scram = new ScramClient(HashAlgorithmName.SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL", "n", null);
        scram.ClientFirst();
        var e = Assert.Throws<XmppException>(() => scram.ClientFinal(Encoding.UTF8.GetBytes(serverFirst)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Channel_binding_data_goes_into_the_c_attribute_with_its_gs2_header()
    {
        var data = new byte[] { 1, 2, 3, 4 };
        var scram = new ScramClient(HashAlgorithmName.SHA256, "a,b=c", "pw", "nonce", "p=tls-server-end-point", data);
        Assert.Equal("p=tls-server-end-point,,n=a=2Cb=3Dc,r=nonce", Encoding.UTF8.GetString(scram.ClientFirst()));
        var final = Encoding.UTF8.GetString(scram.ClientFinal("r=nonceXYZ,s=QSXCR+Q6sek8bf92,i=4096"u8));
        var c = final.Split(',')[0][2..];
        Assert.Equal([.. "p=tls-server-end-point,,"u8.ToArray(), .. data], Convert.FromBase64String(c));
    }
}
