using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Mesh.Signalling.Xmpp.Sasl;
using Microsoft.Extensions.Logging;

namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>
/// Takes a TCP connection from nothing to a bound session (RFC 6120 sections 5-7): stream header,
/// TLS (direct or STARTTLS; never without it), SASL, stream restart, then either XEP-0198 resumption of
/// an earlier session or resource binding plus enabling stream management.
/// </summary>
internal sealed class StreamNegotiator
{
    private readonly XmppClientOptions _options;
    private readonly ServerCertificateValidator _validator;
    private readonly ILogger _logger;

    public StreamNegotiator(XmppClientOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        var roots = options.CaFile is null ? null : ServerCertificateValidator.LoadCaFile(options.CaFile);
        var pin = options.PinnedCertificateSha256 is null ? null : ServerCertificateValidator.ParsePin(options.PinnedCertificateSha256);
        _validator = new ServerCertificateValidator(roots, pin);
    }

    /// <summary>Tries each target in turn; the last error is thrown when all fail (authentication errors stop at once).</summary>
    public async Task<NegotiationResult> ConnectAsync(StreamManagementState? resume, CancellationToken cancellationToken)
    {
        var domain = _options.Jid.Domain;
        var targets = await ConnectionPlanner.PlanAsync(
            domain, _options.Host, _options.Port, _options.DirectTls, _options.SrvResolver ?? new DnsSrvResolver(), _options.Random, _logger, cancellationToken)
            .ConfigureAwait(false);
        if (targets.Count == 0)
        {
            throw new XmppException(XmppErrorKind.Network, $"DNS says {domain} offers no XMPP client service");
        }

        XmppException? last = null;
        foreach (var target in targets)
        {
            try
            {
                return await ConnectAsync(target, resume, cancellationToken).ConfigureAwait(false);
            }
            catch (XmppException e) when (e.Kind is XmppErrorKind.Network or XmppErrorKind.Tls or XmppErrorKind.Timeout)
            {
                _logger.LogInformation("Could not log in through {Target}: {Reason}", target, e.Message);
                last = e;
            }
        }

        throw last!;
    }

    private async Task<NegotiationResult> ConnectAsync(ConnectionTarget target, StreamManagementState? resume, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.ConnectTimeout, _options.TimeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var connection = await OpenTcpAsync(target, timeout.Token).ConfigureAwait(false);
        try
        {
            return await NegotiateAsync(connection, target, resume, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new XmppException(XmppErrorKind.Timeout, $"login through {target} took longer than {_options.ConnectTimeout.TotalSeconds:0} s");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<XmppConnection> OpenTcpAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(target.Host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(target.Host, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new XmppException(XmppErrorKind.Network, $"cannot resolve {target.Host}: {e.Message}", e);
            }
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            try
            {
                var tcp = await _options.Network.ConnectTcpAsync(new IPEndPoint(address, target.Port), cancellationToken).ConfigureAwait(false);
                return new XmppConnection(tcp, _options.MaxStanzaBytes);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
            {
                last = e;
            }
        }

        throw new XmppException(XmppErrorKind.Network, $"cannot connect to {target}: {last?.Message ?? "no address"}", last);
    }

    private async Task<NegotiationResult> NegotiateAsync(XmppConnection connection, ConnectionTarget target, StreamManagementState? resume, CancellationToken ct)
    {
        var domain = _options.Jid.Domain;
        XElement features;
        if (target.DirectTls)
        {
            await connection.StartTlsAsync(domain, _validator, ct).ConfigureAwait(false);
            features = await connection.OpenStreamAsync(domain, _options.Jid.Bare.ToString(), ct).ConfigureAwait(false);
        }
        else
        {
            features = await connection.OpenStreamAsync(domain, null, ct).ConfigureAwait(false);
            if (features.Element(XmppNamespaces.Tls + "starttls") is null)
            {
                throw new XmppException(XmppErrorKind.Unsupported, "the server does not offer STARTTLS; refusing to log in without TLS");
            }

            await connection.SendAsync(new XElement(XmppNamespaces.Tls + "starttls"), ct).ConfigureAwait(false);
            var answer = await connection.ReadElementAsync(ct).ConfigureAwait(false);
            if (answer.Name != XmppNamespaces.Tls + "proceed")
            {
                throw new XmppException(XmppErrorKind.Tls, "the server refused STARTTLS");
            }

            await connection.StartTlsAsync(domain, _validator, ct).ConfigureAwait(false);
            features = await connection.OpenStreamAsync(domain, _options.Jid.Bare.ToString(), ct).ConfigureAwait(false);
        }

        var mechanism = await AuthenticateAsync(connection, features, ct).ConfigureAwait(false);
        features = await connection.OpenStreamAsync(domain, _options.Jid.Bare.ToString(), ct).ConfigureAwait(false);
        var smOffered = _options.StreamManagement && features.Element(XmppNamespaces.StreamManagement + "sm") is not null;

        Jid? bound = null;
        uint? resumedH = null;
        string? smId = null;
        var resumable = false;
        uint? failedH = null;
        if (smOffered && resume is { Id: not null, BoundJid: not null })
        {
            await connection.SendAsync(new XElement(
                XmppNamespaces.StreamManagement + "resume",
                new XAttribute("previd", resume.Id),
                new XAttribute("h", resume.InboundHandled.ToString(CultureInfo.InvariantCulture))), ct).ConfigureAwait(false);
            var answer = await connection.ReadElementAsync(ct).ConfigureAwait(false);
            if (answer.Name == XmppNamespaces.StreamManagement + "resumed"
                && uint.TryParse((string?)answer.Attribute("h"), NumberStyles.None, CultureInfo.InvariantCulture, out var h))
            {
                bound = resume.BoundJid;
                resumedH = h;
                smId = resume.Id;
                resumable = true;
                _logger.LogInformation("Resumed stream management session; server had handled {Handled} of our stanzas", h);
            }
            else
            {
                if (uint.TryParse((string?)answer.Attribute("h"), NumberStyles.None, CultureInfo.InvariantCulture, out var handled))
                {
                    failedH = handled;
                }

                _logger.LogInformation("The server could not resume the session ({Answer}); starting a fresh one", answer.Elements().FirstOrDefault()?.Name.LocalName ?? answer.Name.LocalName);
            }
        }

        if (bound is null)
        {
            bound = await BindAsync(connection, features, ct).ConfigureAwait(false);
            if (smOffered)
            {
                await connection.SendAsync(new XElement(XmppNamespaces.StreamManagement + "enable", new XAttribute("resume", "true")), ct).ConfigureAwait(false);
                var answer = await connection.ReadElementAsync(ct).ConfigureAwait(false);
                if (answer.Name == XmppNamespaces.StreamManagement + "enabled")
                {
                    smId = (string?)answer.Attribute("id");
                    resumable = smId is not null && (string?)answer.Attribute("resume") is "true" or "1";
                }
                else
                {
                    _logger.LogInformation("The server refused to enable stream management");
                    smOffered = false;
                }
            }
        }

        var certificate = connection.ServerCertificate!;
        var info = new XmppSessionInfo
        {
            Endpoint = $"{target.Host}:{target.Port}",
            DirectTls = target.DirectTls,
            TlsProtocol = connection.Tls!.SslProtocol,
            CertificateSubject = certificate.Subject,
            CertificateSha256 = ServerCertificateValidator.Fingerprint(certificate),
            Mechanism = mechanism,
            BoundJid = bound,
            StreamManagement = smOffered,
            Resumed = resumedH is not null,
            StreamFeatures = features.Elements().Select(e => e.Name.NamespaceName).Distinct().ToArray(),
        };
        return new NegotiationResult(connection, info, smId, resumable, resumedH, failedH);
    }

    private async Task<string> AuthenticateAsync(XmppConnection connection, XElement features, CancellationToken ct)
    {
        var offered = features.Element(XmppNamespaces.Sasl + "mechanisms")?.Elements(XmppNamespaces.Sasl + "mechanism")
            .Select(m => m.Value.Trim()).ToArray() ?? [];
        var bindingTypes = features.Element(XmppNamespaces.ChannelBinding + "sasl-channel-binding")?.Elements(XmppNamespaces.ChannelBinding + "channel-binding")
            .Select(b => (string?)b.Attribute("type") ?? string.Empty).ToArray();
        var choice = SaslMechanismSelector.Choose(offered, tlsActive: true, connection.ChannelBinding, bindingTypes, _options.AllowedMechanisms)
            ?? throw new XmppException(XmppErrorKind.Unsupported, $"no usable SASL mechanism among those offered ({string.Join(", ", offered)})");
        _logger.LogInformation("Authenticating with {Mechanism}", choice.Mechanism);

        var user = _options.Jid.Local!;
        if (choice.Mechanism == "PLAIN")
        {
            var payload = System.Text.Encoding.UTF8.GetBytes("\0" + user + "\0" + _options.Password);
            await connection.SendAsync(Auth(choice.Mechanism, payload), ct).ConfigureAwait(false);
            CryptographicOperations.ZeroMemory(payload);
            await ExpectSuccessAsync(connection, ct).ConfigureAwait(false);
            return choice.Mechanism;
        }

        var hash = choice.Mechanism.StartsWith("SCRAM-SHA-256", StringComparison.Ordinal) ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        var scram = new ScramClient(hash, user, _options.Password, ScramClient.NewNonce(_options.Random), choice.Gs2Flag, choice.Binding?.Data);
        await connection.SendAsync(Auth(choice.Mechanism, scram.ClientFirst()), ct).ConfigureAwait(false);
        var challenge = await ReadSaslAsync(connection, ct).ConfigureAwait(false);
        if (challenge.Name.LocalName != "challenge")
        {
            throw new XmppException(XmppErrorKind.Protocol, "SASL: expected a challenge");
        }

        var final = scram.ClientFinal(Base64(challenge));
        await connection.SendAsync(new XElement(XmppNamespaces.Sasl + "response", Convert.ToBase64String(final)), ct).ConfigureAwait(false);
        var outcome = await ReadSaslAsync(connection, ct).ConfigureAwait(false);
        if (outcome.Name.LocalName == "challenge")
        {
            // Some servers send the server-final message as a last challenge and expect an empty response.
            scram.VerifyServerFinal(Base64(outcome));
            await connection.SendAsync(new XElement(XmppNamespaces.Sasl + "response"), ct).ConfigureAwait(false);
            outcome = await ReadSaslAsync(connection, ct).ConfigureAwait(false);
            if (outcome.Name.LocalName != "success")
            {
                throw new XmppException(XmppErrorKind.Protocol, "SASL: expected success");
            }
        }
        else
        {
            scram.VerifyServerFinal(Base64(outcome));
        }

        return choice.Mechanism;
    }

    private static XElement Auth(string mechanism, byte[] initial) =>
        new(XmppNamespaces.Sasl + "auth", new XAttribute("mechanism", mechanism), Convert.ToBase64String(initial));

    private static async Task ExpectSuccessAsync(XmppConnection connection, CancellationToken ct)
    {
        var outcome = await ReadSaslAsync(connection, ct).ConfigureAwait(false);
        if (outcome.Name.LocalName != "success")
        {
            throw new XmppException(XmppErrorKind.Protocol, "SASL: expected success");
        }
    }

    /// <summary>Reads a SASL answer; a failure becomes the authentication error, with the server's condition.</summary>
    private static async Task<XElement> ReadSaslAsync(XmppConnection connection, CancellationToken ct)
    {
        var element = await connection.ReadElementAsync(ct).ConfigureAwait(false);
        if (element.Name.Namespace != XmppNamespaces.Sasl)
        {
            throw new XmppException(XmppErrorKind.Protocol, $"SASL: unexpected <{element.Name.LocalName}>");
        }

        if (element.Name.LocalName == "failure")
        {
            var condition = element.Elements().FirstOrDefault(e => e.Name.LocalName != "text")?.Name.LocalName ?? "not-authorized";
            var text = (string?)element.Element(XmppNamespaces.Sasl + "text");
            throw new XmppException(XmppErrorKind.Authentication, $"authentication failed: {condition}{(text is null ? string.Empty : " (" + text + ")")}")
            {
                Condition = condition,
            };
        }

        return element;
    }

    private static byte[] Base64(XElement element)
    {
        var text = element.Value.Trim();
        try
        {
            return text is "" or "=" ? [] : Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new XmppException(XmppErrorKind.Protocol, "SASL: the server sent invalid base64", e);
        }
    }

    private async Task<Jid> BindAsync(XmppConnection connection, XElement features, CancellationToken ct)
    {
        if (features.Element(XmppNamespaces.Bind + "bind") is null)
        {
            throw new XmppException(XmppErrorKind.Unsupported, "the server offers no resource binding");
        }

        var bind = new XElement(XmppNamespaces.Bind + "bind");
        var resource = _options.Resource ?? _options.Jid.Resource;
        if (resource is not null)
        {
            bind.Add(new XElement(XmppNamespaces.Bind + "resource", resource));
        }

        var id = "bind-" + ScramClient.NewNonce(_options.Random)[..8];
        await connection.SendAsync(new XElement(XmppNamespaces.Client + "iq", new XAttribute("type", "set"), new XAttribute("id", id), bind), ct).ConfigureAwait(false);
        var answer = await connection.ReadElementAsync(ct).ConfigureAwait(false);
        if (answer.Name != XmppNamespaces.Client + "iq" || (string?)answer.Attribute("id") != id)
        {
            throw new XmppException(XmppErrorKind.Protocol, "expected the answer to resource binding");
        }

        if ((string?)answer.Attribute("type") != "result"
            || !Jid.TryParse((string?)answer.Element(XmppNamespaces.Bind + "bind")?.Element(XmppNamespaces.Bind + "jid"), out var jid)
            || jid.IsBare)
        {
            var condition = answer.Element(XmppNamespaces.Client + "error")?.Elements().FirstOrDefault()?.Name.LocalName ?? "no JID";
            throw new XmppException(XmppErrorKind.Protocol, "resource binding failed: " + condition) { Condition = condition };
        }

        // Pre-RFC 6120 servers require a session to be established; RFC 6121 servers mark it optional or omit it.
        var session = features.Element(XmppNamespaces.Session + "session");
        if (session is not null && session.Element(XmppNamespaces.Session + "optional") is null)
        {
            await connection.SendAsync(new XElement(XmppNamespaces.Client + "iq", new XAttribute("type", "set"), new XAttribute("id", id + "s"), new XElement(XmppNamespaces.Session + "session")), ct).ConfigureAwait(false);
            await connection.ReadElementAsync(ct).ConfigureAwait(false);
        }

        return jid;
    }
}
