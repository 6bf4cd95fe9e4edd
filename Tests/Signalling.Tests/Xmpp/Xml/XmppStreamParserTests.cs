using System.Text;
using System.Xml.Linq;
using Mesh.Signalling.Xmpp;
using Mesh.Signalling.Xmpp.Xml;

namespace Mesh.Signalling.Tests.Xmpp.Xml;

public sealed class XmppStreamParserTests
{
    private const string Header =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='mesh.test' id='abc' version='1.0'>";

    private static readonly XNamespace Client = "jabber:client";

    private static List<XmlStreamEvent> Parse(string xml, int chunk = int.MaxValue, int max = 65536)
    {
        var parser = new XmppStreamParser(max);
        var events = new List<XmlStreamEvent>();
        var bytes = Encoding.UTF8.GetBytes(xml);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            parser.Feed(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)), events);
        }

        return events;
    }

    [Fact]
    public void Stream_header_is_reported_with_its_attributes()
    {
        var events = Parse(Header);
        var opened = Assert.Single(events);
        Assert.Equal(XmlStreamEventKind.StreamOpened, opened.Kind);
        Assert.Equal("abc", (string?)opened.Element!.Attribute("id"));
        Assert.Equal("mesh.test", (string?)opened.Element.Attribute("from"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Stanzas_split_across_reads_come_out_whole_and_in_order(int chunk)
    {
        var xml = Header
            + "<message to='a@b/c' id='1'><body>h\u00e9llo &amp; &lt;bye&gt; &#x1F600;</body></message> \n"
            + "<iq type='get' id='2'><query xmlns='jabber:iq:roster'/></iq>"
            + "<presence/>"
            + "</stream:stream>";
        var events = Parse(xml, chunk);

        Assert.Equal(
            [XmlStreamEventKind.StreamOpened, XmlStreamEventKind.Element, XmlStreamEventKind.Element, XmlStreamEventKind.Element, XmlStreamEventKind.StreamClosed],
            events.Select(e => e.Kind).ToArray());
        var message = events[1].Element!;
        Assert.Equal(Client + "message", message.Name);
        Assert.Equal("h\u00e9llo & <bye> \U0001F600", (string?)message.Element(Client + "body"));
        Assert.NotNull(events[2].Element!.Element(XName.Get("query", "jabber:iq:roster")));
        Assert.Equal(Client + "presence", events[3].Element!.Name);
    }

    [Fact]
    public void Many_stanzas_in_one_read_all_come_out()
    {
        var xml = Header + string.Concat(Enumerable.Range(0, 500).Select(i => $"<message id='m{i}'><body>{i}</body></message>"));
        var events = Parse(xml);
        Assert.Equal(501, events.Count);
        Assert.Equal("m499", (string?)events[^1].Element!.Attribute("id"));
    }

    [Fact]
    public void Prefixed_namespaces_and_cdata_are_resolved()
    {
        var xml = Header + "<stream:features><sm xmlns='urn:xmpp:sm:3'/></stream:features>"
            + "<message xml:lang='de'><x:body xmlns:x='jabber:client'><![CDATA[<raw> & ]]></x:body></message>";
        var events = Parse(xml, 3);
        Assert.Equal(XmppNamespaces.Stream + "features", events[1].Element!.Name);
        Assert.NotNull(events[1].Element!.Element(XName.Get("sm", "urn:xmpp:sm:3")));
        Assert.Equal("de", (string?)events[2].Element!.Attribute(XNamespace.Xml + "lang"));
        Assert.Equal("<raw> & ", (string?)events[2].Element!.Element(Client + "body"));
    }

    [Fact]
    public void A_billion_laughs_document_is_rejected_at_its_doctype()
    {
        var xml = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>"
            + "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>&lol2;";
        var e = Assert.Throws<XmppException>(() => Parse(xml));
        Assert.Equal(XmppErrorKind.Protocol, e.Kind);
        Assert.Contains("DTD", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<message><body>&lol;</body></message>", "entity")]
    [InlineData("<message><!-- hi --></message>", "comments")]
    [InlineData("<message><?php x?></message>", "processing")]
    [InlineData("<message></iq>", "does not match")]
    [InlineData("hello", "text outside")]
    [InlineData("<message a='1' a='2'/>", "twice")]
    [InlineData("<message a=1/>", "unquoted")]
    [InlineData("<p:message/>", "undeclared")]
    [InlineData("<message><body>&#0;</body></message>", "valid XML character")]
    public void Forbidden_or_malformed_xml_is_a_protocol_error(string stanza, string reason)
    {
        var e = Assert.Throws<XmppException>(() => Parse(Header + stanza, 5));
        Assert.Equal(XmppErrorKind.Protocol, e.Kind);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_a_protocol_error()
    {
        var parser = new XmppStreamParser(4096);
        var events = new List<XmlStreamEvent>();
        parser.Feed(Encoding.UTF8.GetBytes(Header + "<message><body>"), events);
        var e = Assert.Throws<XmppException>(() => parser.Feed(new byte[] { 0xC3, 0x28, (byte)'<', (byte)'/', (byte)'b', (byte)'o', (byte)'d', (byte)'y', (byte)'>' }, events));
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_stanza_fails_before_it_is_complete()
    {
        var parser = new XmppStreamParser(1024);
        var events = new List<XmlStreamEvent>();
        parser.Feed(Encoding.UTF8.GetBytes(Header + "<message><body>"), events);
        var filler = new byte[100];
        Array.Fill(filler, (byte)'x');
        var fed = 0;
        var e = Assert.Throws<XmppException>((Action)(() =>
        {
            while (true)
            {
                parser.Feed(filler, events);
                fed += filler.Length;
                Assert.True(fed < 2048, "the limit was not enforced");
            }
        }));
        Assert.Contains("maximum of 1024 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stanzas_below_the_limit_pass_and_the_count_restarts_for_each()
    {
        var body = new string('x', 800);
        var events = Parse(Header + $"<message><body>{body}</body></message><message><body>{body}</body></message>", 64, 1024);
        Assert.Equal(3, events.Count);
    }

    [Fact]
    public void Deep_nesting_is_rejected()
    {
        var xml = Header + string.Concat(Enumerable.Repeat("<a>", 100));
        var e = Assert.Throws<XmppException>(() => Parse(xml));
        Assert.Contains("deeper", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reset_accepts_a_new_stream_header()
    {
        var parser = new XmppStreamParser(4096);
        var events = new List<XmlStreamEvent>();
        parser.Feed(Encoding.UTF8.GetBytes(Header + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"), events);
        parser.Reset();
        parser.Feed(Encoding.UTF8.GetBytes(Header + "<presence/>"), events);
        Assert.Equal(
            [XmlStreamEventKind.StreamOpened, XmlStreamEventKind.Element, XmlStreamEventKind.StreamOpened, XmlStreamEventKind.Element],
            events.Select(e => e.Kind).ToArray());
    }

    [Fact]
    public void Whitespace_keepalives_between_stanzas_are_ignored()
    {
        var events = Parse(Header + "\n \n<presence/>\n\n \t", 1);
        Assert.Equal(2, events.Count);
    }
}
