using Mesh.Signalling.Xmpp.Sasl;

namespace Mesh.Signalling.Tests.Xmpp.Sasl;

public sealed class SaslMechanismSelectorTests
{
    private static readonly ChannelBinding Binding = new(ChannelBinding.TlsServerEndPoint, [1, 2, 3]);

    [Fact]
    public void Prefers_sha256_over_sha1_and_never_plain_when_scram_is_there()
    {
        var choice = SaslMechanismSelector.Choose(["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"], true, null, null, null);
        Assert.Equal("SCRAM-SHA-256", choice!.Mechanism);
        Assert.Equal("n", choice.Gs2Flag);
    }

    [Fact]
    public void Plain_is_never_chosen_without_tls()
    {
        Assert.Null(SaslMechanismSelector.Choose(["PLAIN"], false, null, null, null));
        Assert.Equal("PLAIN", SaslMechanismSelector.Choose(["PLAIN"], true, null, null, null)!.Mechanism);
    }

    [Fact]
    public void Plus_is_used_only_when_the_server_lists_our_binding_type()
    {
        var offered = new[] { "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256" };
        var unlisted = SaslMechanismSelector.Choose(offered, true, Binding, null, null)!;
        Assert.Equal("SCRAM-SHA-256", unlisted.Mechanism);
        Assert.Equal("n", unlisted.Gs2Flag);

        var listed = SaslMechanismSelector.Choose(offered, true, Binding, ["tls-exporter", "tls-server-end-point"], null)!;
        Assert.Equal("SCRAM-SHA-1-PLUS", listed.Mechanism);
        Assert.Equal("p=tls-server-end-point", listed.Gs2Flag);
        Assert.Same(Binding, listed.Binding);
    }

    [Fact]
    public void Flag_is_y_when_we_could_bind_but_the_server_offers_no_plus()
    {
        var choice = SaslMechanismSelector.Choose(["SCRAM-SHA-1"], true, Binding, null, null)!;
        Assert.Equal("y", choice.Gs2Flag);
    }

    [Fact]
    public void Allowed_list_restricts_the_choice()
    {
        var choice = SaslMechanismSelector.Choose(["SCRAM-SHA-1", "SCRAM-SHA-256"], true, null, null, ["SCRAM-SHA-1"]);
        Assert.Equal("SCRAM-SHA-1", choice!.Mechanism);
        Assert.Null(SaslMechanismSelector.Choose(["SCRAM-SHA-256"], true, null, null, ["SCRAM-SHA-1"]));
    }
}
