using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Mesh.Signalling.Xmpp.Sasl;
using Mesh.Signalling.Xmpp.Xml;
using Mesh.Transport.Net;

namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>
/// One TCP connection to the server carrying XMPP streams: reads bytes into the incremental parser and
/// hands out parsed events one at a time, writes serialised elements under one lock, and upgrades to
/// TLS in place. It knows nothing of SASL or sessions.
/// </summary>
internal sealed class XmppConnection : IAsyncDisposable
{
    private readonly ITcpConnection _tcp;
    private readonly XmppStreamParser _parser;
    private readonly Queue<XmlStreamEvent> _events = new();
    private readonly List<XmlStreamEvent> _scratch = [];
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly byte[] _buffer = new byte[16 * 1024];
    private Stream _stream;
    private SslStream? _ssl;
    private int _disposed;

    public XmppConnection(ITcpConnection tcp, int maxStanzaBytes)
    {
        _tcp = tcp;
        _stream = tcp.Stream;
        _parser = new XmppStreamParser(maxStanzaBytes);
    }

    /// <summary>The TLS session, once there is one.</summary>
    public SslStream? Tls => _ssl;

    /// <summary>The server certificate, once TLS is up.</summary>
    public X509Certificate2? ServerCertificate { get; private set; }

    /// <summary>The channel binding we can offer SCRAM-PLUS for this TLS session.</summary>
    public ChannelBinding? ChannelBinding { get; private set; }

    /// <summary>Bytes written and read, for diagnostics.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The underlying TCP connection (tests cut it to simulate a network failure).</summary>
    public ITcpConnection Tcp => _tcp;

    /// <summary>Starts TLS over the current stream; certificate failures become <see cref="XmppErrorKind.Certificate"/>.</summary>
    public async Task StartTlsAsync(string domain, ServerCertificateValidator validator, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = domain,
            RemoteCertificateValidationCallback = validator.Validate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [new SslApplicationProtocol("xmpp-client")],
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw validator.FailureReason is { } reason
                ? new XmppException(XmppErrorKind.Certificate, "refused the server certificate: " + reason, e)
                : new XmppException(XmppErrorKind.Tls, "TLS handshake failed: " + e.Message, e);
        }
        catch (IOException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new XmppException(XmppErrorKind.Tls, "TLS handshake failed: " + e.Message, e);
        }

        _ssl = ssl;
        _stream = ssl;
        if (ssl.RemoteCertificate is { } remote)
        {
            ServerCertificate = remote as X509Certificate2 ?? new X509Certificate2(remote);
            ChannelBinding = ChannelBinding.ForServerCertificate(ServerCertificate);
        }
    }

    /// <summary>Sends our stream header and reads the server's header and features.</summary>
    public async Task<XElement> OpenStreamAsync(string domain, string? from, CancellationToken cancellationToken)
    {
        _parser.Reset();
        _events.Clear();
        var header = new StringBuilder("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='")
            .Append(Escape(domain)).Append('\'');
        if (from is not null)
        {
            header.Append(" from='").Append(Escape(from)).Append('\'');
        }

        header.Append(" version='1.0' xml:lang='en'>");
        await SendRawAsync(header.ToString(), cancellationToken).ConfigureAwait(false);
        var opened = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (opened.Kind != XmlStreamEventKind.StreamOpened)
        {
            throw new XmppException(XmppErrorKind.Protocol, "the server did not open a stream");
        }

        if ((string?)opened.Element!.Attribute("version") is not { } version || !version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new XmppException(XmppErrorKind.Unsupported, "the server does not speak XMPP 1.0 streams");
        }

        var features = await ReadElementAsync(cancellationToken).ConfigureAwait(false);
        return features.Name == XmppNamespaces.Stream + "features"
            ? features
            : throw new XmppException(XmppErrorKind.Protocol, $"expected stream features, got <{features.Name.LocalName}>");
    }

    /// <summary>Reads the next first-level element; a stream error or the end of the stream throws.</summary>
    public async Task<XElement> ReadElementAsync(CancellationToken cancellationToken)
    {
        var e = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (e.Kind == XmlStreamEventKind.StreamClosed)
        {
            throw new XmppException(XmppErrorKind.Network, "the server closed the stream");
        }

        if (e.Kind != XmlStreamEventKind.Element)
        {
            throw new XmppException(XmppErrorKind.Protocol, "unexpected stream header inside the stream");
        }

        if (e.Element!.Name == XmppNamespaces.Stream + "error")
        {
            var condition = e.Element.Elements().FirstOrDefault(x => x.Name.Namespace == XmppNamespaces.Streams && x.Name.LocalName != "text");
            var text = (string?)e.Element.Element(XmppNamespaces.Streams + "text");
            throw new XmppException(XmppErrorKind.StreamError, $"stream error from the server: {condition?.Name.LocalName ?? "undefined-condition"}{(text is null ? string.Empty : " (" + text + ")")}")
            {
                Condition = condition?.Name.LocalName,
            };
        }

        return e.Element;
    }

    /// <summary>Reads the next parser event, reading from the network as needed.</summary>
    public async Task<XmlStreamEvent> ReadAsync(CancellationToken cancellationToken)
    {
        while (_events.Count == 0)
        {
            int n;
            try
            {
                n = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                throw new XmppException(XmppErrorKind.Network, "connection lost: " + e.Message, e);
            }

            if (n == 0)
            {
                throw new XmppException(XmppErrorKind.Network, "the server closed the connection");
            }

            BytesRead += n;
            _scratch.Clear();
            _parser.Feed(_buffer.AsSpan(0, n), _scratch);
            foreach (var e in _scratch)
            {
                _events.Enqueue(e);
            }
        }

        return _events.Dequeue();
    }

    /// <summary>Serialises and sends one element.</summary>
    public Task SendAsync(XElement element, CancellationToken cancellationToken) =>
        SendRawAsync(Serialize(element), cancellationToken);

    /// <summary>Serialises an element the way it goes on the wire.</summary>
    public static string Serialize(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return element.ToString(SaveOptions.DisableFormatting | SaveOptions.OmitDuplicateNamespaces);
    }

    /// <summary>Sends text that is already XML.</summary>
    public async Task SendRawAsync(string xml, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or NotSupportedException)
        {
            throw new XmppException(XmppErrorKind.Network, "connection lost while sending: " + e.Message, e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_ssl is not null)
        {
            await _ssl.DisposeAsync().ConfigureAwait(false);
        }

        await _tcp.DisposeAsync().ConfigureAwait(false);
    }

    private static string Escape(string value) => new XText(value).ToString().Replace("'", "&apos;", StringComparison.Ordinal);
}
