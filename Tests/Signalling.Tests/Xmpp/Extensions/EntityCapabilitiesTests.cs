using System.Xml.Linq;
using Mesh.Signalling.Xmpp.Extensions;

namespace Mesh.Signalling.Tests.Xmpp.Extensions;

public sealed class EntityCapabilitiesTests
{
    [Fact]
    public void Simple_example_of_xep_0115_gives_its_published_ver()
    {
        var info = new DiscoInfo(
            [new DiscoIdentity("client", "pc", "Exodus 0.9.1", null)],
            new HashSet<string> { "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items", "http://jabber.org/protocol/muc", "http://jabber.org/protocol/caps" },
            []);
        Assert.Equal("QgayPKawpkPSDYmwT/WM94uAlu0=", EntityCapabilities.ComputeVer(info));
    }

    [Fact]
    public void Complex_example_of_xep_0115_with_a_form_gives_its_published_ver()
    {
        const string xml = """
            <query xmlns='http://jabber.org/protocol/disco#info'>
              <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
              <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>
              <feature var='http://jabber.org/protocol/caps'/>
              <feature var='http://jabber.org/protocol/disco#info'/>
              <feature var='http://jabber.org/protocol/disco#items'/>
              <feature var='http://jabber.org/protocol/muc'/>
              <x xmlns='jabber:x:data' type='result'>
                <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
                <field var='ip_version'><value>ipv4</value><value>ipv6</value></field>
                <field var='os'><value>Mac</value></field>
                <field var='os_version'><value>10.5.1</value></field>
                <field var='software'><value>Psi</value></field>
                <field var='software_version'><value>0.11</value></field>
              </x>
            </query>
            """;
        var info = DiscoInfo.Parse(XElement.Parse(xml));
        Assert.Equal("q07IKJEyjvHSyhy//CH0CxmKi8w=", EntityCapabilities.ComputeVer(info));
    }

    [Fact]
    public void Duplicate_identities_make_the_info_invalid()
    {
        var info = new DiscoInfo([new DiscoIdentity("client", "pc", "A", null), new DiscoIdentity("client", "pc", "A", null)], new HashSet<string>(), []);
        Assert.Null(EntityCapabilities.ComputeVer(info));
    }

    [Fact]
    public void A_changed_feature_changes_the_ver()
    {
        var a = new DiscoInfo([new DiscoIdentity("client", "pc", "Mesh", null)], new HashSet<string> { "urn:mesh:sync:0" }, []);
        var b = new DiscoInfo([new DiscoIdentity("client", "pc", "Mesh", null)], new HashSet<string> { "urn:mesh:sync:1" }, []);
        Assert.NotEqual(EntityCapabilities.ComputeVer(a), EntityCapabilities.ComputeVer(b));
    }

    [Fact]
    public void Query_round_trips_through_parse()
    {
        var info = new DiscoInfo([new DiscoIdentity("client", "pc", "Mesh", "en")], new HashSet<string> { "b", "a" }, []);
        var again = DiscoInfo.Parse(info.ToQuery("node#ver"));
        Assert.Equal(EntityCapabilities.ComputeVer(info), EntityCapabilities.ComputeVer(again));
        Assert.Equal("node#ver", (string?)info.ToQuery("node#ver").Attribute("node"));
    }
}
