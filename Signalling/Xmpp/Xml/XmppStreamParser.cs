using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Mesh.Signalling.Xmpp.Xml;

/// <summary>
/// An incremental, push-driven parser for one XMPP stream (RFC 6120 section 11). Bytes are fed as they
/// arrive, in pieces of any size; each complete first-level element comes out as one event. It
/// implements only what XMPP allows: no DTD, no comments, no processing instructions except the XML
/// declaration, no entities except the five predefined ones and character references. So a
/// "billion laughs" document fails at its DOCTYPE instead of expanding, and a stanza larger than the
/// configured maximum fails as soon as it passes the limit, before it is buffered whole.
/// </summary>
/// <remarks>
/// It works on bytes: markup is ASCII, so names, text and attribute values are collected as raw bytes
/// and decoded (strict UTF-8) when a token ends, which also makes the byte count per stanza exact.
/// After a stream restart (STARTTLS, SASL) call <see cref="Reset"/>.
/// </remarks>
internal sealed class XmppStreamParser
{
    private const int MaxDepth = 64;
    private const int MaxHeaderBytes = 16 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly int _maxStanzaBytes;
    private readonly List<byte> _token = new(256);
    private readonly List<XElement> _open = [];
    private readonly List<Dictionary<string, string>> _scopes = [];
    private State _state;
    private byte _quote;
    private long _stanzaBytes;
    private bool _streamOpen;
    private bool _sawRoot;

    /// <summary>Creates a parser that rejects first-level elements larger than <paramref name="maxStanzaBytes"/>.</summary>
    public XmppStreamParser(int maxStanzaBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStanzaBytes, 256);
        _maxStanzaBytes = maxStanzaBytes;
        Reset();
    }

    private enum State
    {
        Text,
        TagStart,
        StartTag,
        EndTag,
        Bang,
        CData,
        Declaration,
        Closed,
    }

    /// <summary>The largest first-level element accepted, in bytes.</summary>
    public int MaxStanzaBytes => _maxStanzaBytes;

    /// <summary>Forgets everything: the next bytes start a new stream (after STARTTLS or SASL success).</summary>
    public void Reset()
    {
        _token.Clear();
        _open.Clear();
        _scopes.Clear();
        _scopes.Add(new Dictionary<string, string>(StringComparer.Ordinal) { ["xml"] = XNamespace.Xml.NamespaceName });
        _state = State.Text;
        _stanzaBytes = 0;
        _streamOpen = false;
        _sawRoot = false;
    }

    /// <summary>
    /// Consumes <paramref name="data"/> and appends the events it completes to <paramref name="events"/>.
    /// Throws <see cref="XmppException"/> (kind Protocol) on malformed, forbidden or oversized XML; the
    /// stream cannot continue after that.
    /// </summary>
    public void Feed(ReadOnlySpan<byte> data, List<XmlStreamEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var b in data)
        {
            if (_state == State.Closed)
            {
                if (!IsWhitespace(b))
                {
                    throw Fail("data after the end of the stream");
                }

                continue;
            }

            CountByte();
            Step(b, events);
        }
    }

    private void CountByte()
    {
        if (_open.Count > 0)
        {
            if (++_stanzaBytes > _maxStanzaBytes)
            {
                throw Fail($"a stanza exceeds the maximum of {_maxStanzaBytes} bytes");
            }
        }
        else if (_token.Count > MaxHeaderBytes)
        {
            throw Fail($"a stream-level token exceeds {MaxHeaderBytes} bytes");
        }
    }

    private void Step(byte b, List<XmlStreamEvent> events)
    {
        switch (_state)
        {
            case State.Text:
                if (b == (byte)'<')
                {
                    FlushText();
                    _state = State.TagStart;
                }
                else if (_open.Count > 0)
                {
                    _token.Add(b);
                }
                else if (!IsWhitespace(b))
                {
                    // Between stanzas only whitespace (keepalives) may appear.
                    throw Fail("text outside a stanza");
                }

                break;
            case State.TagStart:
                if (b == (byte)'/')
                {
                    _state = State.EndTag;
                }
                else if (b == (byte)'?')
                {
                    if (_sawRoot)
                    {
                        throw Fail("processing instructions are not allowed in XMPP");
                    }

                    _state = State.Declaration;
                }
                else if (b == (byte)'!')
                {
                    _state = State.Bang;
                }
                else
                {
                    _token.Add(b);
                    _quote = 0;
                    _state = State.StartTag;
                }

                break;
            case State.StartTag:
                if (_quote != 0)
                {
                    if (b == _quote)
                    {
                        _quote = 0;
                    }
                    else if (b == (byte)'<')
                    {
                        throw Fail("'<' inside an attribute value");
                    }
                }
                else if (b is (byte)'"' or (byte)'\'')
                {
                    _quote = b;
                }
                else if (b == (byte)'>')
                {
                    OnStartTag(events);
                    _token.Clear();
                    _state = State.Text;
                    return;
                }

                _token.Add(b);
                break;
            case State.EndTag:
                if (b == (byte)'>')
                {
                    OnEndTag(events);
                    _token.Clear();
                    if (_state != State.Closed)
                    {
                        _state = State.Text;
                    }
                }
                else
                {
                    _token.Add(b);
                }

                break;
            case State.Bang:
                _token.Add(b);
                StepBang();
                break;
            case State.CData:
                _token.Add(b);
                if (_token.Count >= 3 && _token[^1] == (byte)'>' && _token[^2] == (byte)']' && _token[^3] == (byte)']')
                {
                    _token.RemoveRange(_token.Count - 3, 3);
                    if (_open.Count == 0)
                    {
                        throw Fail("character data outside a stanza");
                    }

                    _open[^1].Add(new XText(Decode()));
                    _token.Clear();
                    _state = State.Text;
                }

                break;
            case State.Declaration:
                _token.Add(b);
                if (b == (byte)'>' && _token.Count >= 2 && _token[^2] == (byte)'?')
                {
                    var text = Decode();
                    if (!text.StartsWith("xml ", StringComparison.Ordinal))
                    {
                        throw Fail("processing instructions are not allowed in XMPP");
                    }

                    _token.Clear();
                    _state = State.Text;
                }

                break;
            default:
                throw Fail("parser in an impossible state");
        }
    }

    private void StepBang()
    {
        // "<!" starts a comment, a CDATA section or a DOCTYPE; only CDATA is allowed, and only inside a stanza.
        ReadOnlySpan<byte> cdata = "[CDATA["u8;
        var n = _token.Count;
        if (n <= cdata.Length && _token[n - 1] == cdata[n - 1])
        {
            if (n == cdata.Length)
            {
                _token.Clear();
                _state = State.CData;
            }

            return;
        }

        if (_token[0] == (byte)'-')
        {
            throw Fail("comments are not allowed in XMPP");
        }

        throw Fail(_token[0] == (byte)'D' ? "a DTD (DOCTYPE) is not allowed in XMPP" : "unexpected '<!' markup");
    }

    private void FlushText()
    {
        if (_token.Count == 0)
        {
            return;
        }

        _open[^1].Add(new XText(Unescape(Decode())));

        _token.Clear();
    }

    private void OnStartTag(List<XmlStreamEvent> events)
    {
        var raw = Decode();
        var selfClosing = raw.EndsWith('/');
        if (selfClosing)
        {
            raw = raw[..^1];
        }

        var (qname, attributes) = SplitTag(raw);
        if (_open.Count + 1 > MaxDepth)
        {
            throw Fail($"elements nested deeper than {MaxDepth}");
        }

        var scope = new Dictionary<string, string>(_scopes[^1], StringComparer.Ordinal);
        foreach (var (name, value) in attributes)
        {
            if (name == "xmlns")
            {
                scope[string.Empty] = value;
            }
            else if (name.StartsWith("xmlns:", StringComparison.Ordinal))
            {
                if (value.Length == 0)
                {
                    throw Fail("a namespace prefix bound to the empty namespace");
                }

                scope[name[6..]] = value;
            }
        }

        var element = new XElement(Resolve(qname, scope, isAttribute: false));
        foreach (var (name, value) in attributes)
        {
            if (name == "xmlns" || name.StartsWith("xmlns:", StringComparison.Ordinal))
            {
                continue;
            }

            var attributeName = Resolve(name, scope, isAttribute: true);
            if (element.Attribute(attributeName) is not null)
            {
                throw Fail($"attribute '{name}' appears twice");
            }

            element.SetAttributeValue(attributeName, value);
        }

        if (!_streamOpen)
        {
            if (element.Name != XmppNamespaces.Stream + "stream")
            {
                throw Fail($"expected a stream header, got <{qname}>");
            }

            _streamOpen = true;
            _sawRoot = true;
            _scopes[0] = scope;
            events.Add(new XmlStreamEvent(XmlStreamEventKind.StreamOpened, element));
            return;
        }

        if (_open.Count > 0)
        {
            _open[^1].Add(element);
        }
        else
        {
            _stanzaBytes = _token.Count + 2;
        }

        if (selfClosing)
        {
            if (_open.Count == 0)
            {
                _stanzaBytes = 0;
                events.Add(new XmlStreamEvent(XmlStreamEventKind.Element, element));
            }

            return;
        }

        _open.Add(element);
        _scopes.Add(scope);
    }

    private void OnEndTag(List<XmlStreamEvent> events)
    {
        var name = Decode().TrimEnd(' ', '\t', '\r', '\n');
        if (_open.Count == 0)
        {
            if (_streamOpen && Resolve(name, _scopes[0], isAttribute: false) == XmppNamespaces.Stream + "stream")
            {
                _state = State.Closed;
                _streamOpen = false;
                events.Add(new XmlStreamEvent(XmlStreamEventKind.StreamClosed, null));
                return;
            }

            throw Fail($"unexpected end tag </{name}>");
        }

        var element = _open[^1];
        if (Resolve(name, _scopes[^1], isAttribute: false) != element.Name)
        {
            throw Fail($"end tag </{name}> does not match <{element.Name.LocalName}>");
        }

        _open.RemoveAt(_open.Count - 1);
        _scopes.RemoveAt(_scopes.Count - 1);
        if (_open.Count == 0)
        {
            _stanzaBytes = 0;
            events.Add(new XmlStreamEvent(XmlStreamEventKind.Element, element));
        }
    }

    private static (string Name, List<(string Name, string Value)> Attributes) SplitTag(string raw)
    {
        var i = 0;
        while (i < raw.Length && !IsWhitespace(raw[i]))
        {
            i++;
        }

        var name = raw[..i];
        CheckName(name);
        var attributes = new List<(string, string)>();
        while (true)
        {
            while (i < raw.Length && IsWhitespace(raw[i]))
            {
                i++;
            }

            if (i >= raw.Length)
            {
                return (name, attributes);
            }

            var eq = raw.IndexOf('=', i);
            if (eq < 0)
            {
                throw Fail($"attribute without a value in <{name}>");
            }

            var attributeName = raw[i..eq].TrimEnd();
            CheckName(attributeName);
            i = eq + 1;
            while (i < raw.Length && IsWhitespace(raw[i]))
            {
                i++;
            }

            if (i >= raw.Length || raw[i] is not ('"' or '\''))
            {
                throw Fail($"unquoted attribute value in <{name}>");
            }

            var end = raw.IndexOf(raw[i], i + 1);
            if (end < 0)
            {
                throw Fail($"unterminated attribute value in <{name}>");
            }

            attributes.Add((attributeName, Unescape(raw[(i + 1)..end])));
            i = end + 1;
            if (i < raw.Length && !IsWhitespace(raw[i]))
            {
                throw Fail($"attributes not separated by whitespace in <{name}>");
            }
        }
    }

    private static void CheckName(string name)
    {
        if (name.Length == 0 || name[0] is ':' or '-' or '.' || char.IsAsciiDigit(name[0]))
        {
            throw Fail($"invalid XML name '{name}'");
        }

        foreach (var c in name)
        {
            if (c is '<' or '>' or '&' or '"' or '\'' or '=' or '/' or '?' or '!' || IsWhitespace(c))
            {
                throw Fail($"invalid XML name '{name}'");
            }
        }
    }

    private static XName Resolve(string qname, Dictionary<string, string> scope, bool isAttribute)
    {
        var colon = qname.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            // Unprefixed attributes have no namespace; unprefixed elements take the default one.
            return isAttribute || !scope.TryGetValue(string.Empty, out var ns) ? XName.Get(qname) : XName.Get(qname, ns);
        }

        var prefix = qname[..colon];
        var local = qname[(colon + 1)..];
        if (local.Length == 0 || local.Contains(':', StringComparison.Ordinal))
        {
            throw Fail($"invalid qualified name '{qname}'");
        }

        return scope.TryGetValue(prefix, out var bound)
            ? XName.Get(local, bound)
            : throw Fail($"undeclared namespace prefix '{prefix}'");
    }

    /// <summary>Replaces the predefined entities and character references; anything else is an error.</summary>
    internal static string Unescape(string text)
    {
        var amp = text.IndexOf('&', StringComparison.Ordinal);
        if (amp < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (amp >= 0)
        {
            sb.Append(text, i, amp - i);
            var semi = text.IndexOf(';', amp);
            if (semi < 0 || semi - amp > 12)
            {
                throw Fail("unterminated entity reference");
            }

            var entity = text[(amp + 1)..semi];
            switch (entity)
            {
                case "lt": sb.Append('<'); break;
                case "gt": sb.Append('>'); break;
                case "amp": sb.Append('&'); break;
                case "quot": sb.Append('"'); break;
                case "apos": sb.Append('\''); break;
                default:
                    sb.Append(CharacterReference(entity));
                    break;
            }

            i = semi + 1;
            amp = text.IndexOf('&', i);
        }

        sb.Append(text, i, text.Length - i);
        return sb.ToString();
    }

    private static string CharacterReference(string entity)
    {
        var code = 0;
        var ok = entity.StartsWith("#x", StringComparison.Ordinal)
            ? int.TryParse(entity.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code)
            : entity.StartsWith('#') && int.TryParse(entity.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out code);
        if (!ok)
        {
            throw Fail($"entity '&{entity};' is not allowed in XMPP");
        }

        // XML 1.0 Char production: no NUL or other C0 controls except tab, LF and CR, no surrogates.
        var valid = code is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);
        return valid ? char.ConvertFromUtf32(code) : throw Fail($"character reference &{entity}; is not a valid XML character");
    }

    private string Decode()
    {
        try
        {
            var bytes = _token.Count == 0 ? [] : System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_token);
            var text = StrictUtf8.GetString(bytes);
            foreach (var c in text)
            {
                if (c < 0x20 && c is not ('\t' or '\n' or '\r'))
                {
                    throw Fail("a control character that XML forbids");
                }
            }

            return text;
        }
        catch (DecoderFallbackException e)
        {
            throw new XmppException(XmppErrorKind.Protocol, "invalid UTF-8 in the stream", e);
        }
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static XmppException Fail(string reason) => new(XmppErrorKind.Protocol, "malformed XML: " + reason);
}
