using System.CommandLine;
using System.Globalization;
using Mesh.Signalling.Xmpp;

namespace Mesh.Peer.Cli;

/// <summary>
/// <c>mesh doctor --jid user@domain [--password-file F] [--server host:port] [--ca-file F]</c>: logs in to
/// the XMPP server and prints, one line each, what was negotiated and what the server offers, then a
/// verdict. Credentials (the password, TURN passwords) are never printed.
/// </summary>
internal sealed class DoctorCommand : IMeshCommand
{
    /// <summary>The environment variable read when no password file is given.</summary>
    internal const string PasswordVariable = "MESH_XMPP_PASSWORD";

    /// <inheritdoc/>
    public Command Create()
    {
        var jid = new Option<string>("--jid") { Description = "The account to log in as (user@domain).", Required = true };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = $"A file holding the password (else ${PasswordVariable})." };
        var server = new Option<string?>("--server") { Description = "Connect to host:port instead of looking up SRV records." };
        var directTls = new Option<bool>("--direct-tls") { Description = "With --server: TLS from the first byte (XEP-0368) instead of STARTTLS." };
        var caFile = new Option<FileInfo?>("--ca-file") { Description = "A PEM file of extra CA certificates to trust." };
        var pin = new Option<string?>("--pin") { Description = "Accept only the server certificate with this SHA-256 fingerprint." };
        var command = new Command("doctor", "Log in to the XMPP server and report TLS, SASL, stream management, features, STUN/TURN and the SOCKS5 proxy.");
        foreach (var option in new Option[] { jid, passwordFile, server, directTls, caFile, pin })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, ct) =>
        {
            var request = new DoctorRequest(
                parseResult.GetValue(jid)!,
                parseResult.GetValue(passwordFile)?.FullName,
                parseResult.GetValue(server),
                parseResult.GetValue(directTls),
                parseResult.GetValue(caFile)?.FullName,
                parseResult.GetValue(pin));
            return await RunAsync(request, Environment.GetEnvironmentVariable(PasswordVariable), parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, ct)
                .ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs the checks and prints the report; returns 0 when login worked, 1 when not, 2 for bad usage.</summary>
    internal static async Task<int> RunAsync(DoctorRequest request, string? passwordFromEnvironment, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!Jid.TryParse(request.Jid, out var jid) || jid.Local is null)
        {
            await error.WriteLineAsync($"mesh doctor: '{request.Jid}' is not a JID of the form user@domain").ConfigureAwait(false);
            return 2;
        }

        string? password = passwordFromEnvironment;
        if (request.PasswordFile is not null)
        {
            try
            {
                password = (await File.ReadAllTextAsync(request.PasswordFile, ct).ConfigureAwait(false)).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"mesh doctor: cannot read the password file: {e.Message}").ConfigureAwait(false);
                return 2;
            }
        }

        if (string.IsNullOrEmpty(password))
        {
            await error.WriteLineAsync($"mesh doctor: no password: give --password-file or set {PasswordVariable}").ConfigureAwait(false);
            return 2;
        }

        string? host = null;
        int? port = null;
        if (request.Server is not null && !TryParseServer(request.Server, out host, out port))
        {
            await error.WriteLineAsync($"mesh doctor: --server '{request.Server}' is not host:port").ConfigureAwait(false);
            return 2;
        }

        XmppClient client;
        try
        {
            client = new XmppClient(new XmppClientOptions
            {
                Jid = jid.Bare,
                Password = password,
                Resource = "mesh-doctor",
                Host = host,
                Port = port,
                DirectTls = request.DirectTls,
                CaFile = request.CaFile,
                PinnedCertificateSha256 = request.Pin,
                AutoReconnect = false,
                KeepAliveInterval = TimeSpan.Zero,
                ConnectTimeout = TimeSpan.FromSeconds(20),
                IqTimeout = TimeSpan.FromSeconds(10),
            });
        }
        catch (XmppException e)
        {
            await error.WriteLineAsync($"mesh doctor: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (client.ConfigureAwait(false))
        {
            return await ReportAsync(client, jid, output, ct).ConfigureAwait(false);
        }
    }

    private static async Task<int> ReportAsync(XmppClient client, Jid jid, TextWriter output, CancellationToken ct)
    {
        try
        {
            await client.ConnectAsync(ct).ConfigureAwait(false);
        }
        catch (XmppException e)
        {
            await output.WriteLineAsync($"login:              FAILED ({e.Kind}): {e.Message}").ConfigureAwait(false);
            await output.WriteLineAsync($"verdict:            cannot log in as {jid.Bare}").ConfigureAwait(false);
            return 1;
        }

        var session = client.Session!;
        await output.WriteLineAsync($"server:             {session.Endpoint} ({(session.DirectTls ? "direct TLS" : "STARTTLS")})").ConfigureAwait(false);
        await output.WriteLineAsync($"tls:                {DescribeTls(session)}, certificate {session.CertificateSubject}").ConfigureAwait(false);
        await output.WriteLineAsync($"certificate sha256: {session.CertificateSha256}").ConfigureAwait(false);
        await output.WriteLineAsync($"sasl:               {session.Mechanism}").ConfigureAwait(false);
        await output.WriteLineAsync($"bound as:           {session.BoundJid}").ConfigureAwait(false);
        await output.WriteLineAsync($"stream management:  {(session.StreamManagement ? "on" : "off")}").ConfigureAwait(false);

        var problems = new List<string>();
        try
        {
            var info = await client.DiscoverInfoAsync(null, null, ct).ConfigureAwait(false);
            await output.WriteLineAsync($"server features:    {string.Join(' ', info.Features.Order(StringComparer.Ordinal))}").ConfigureAwait(false);
        }
        catch (XmppException e)
        {
            problems.Add("no disco#info");
            await output.WriteLineAsync($"server features:    unknown ({e.Message})").ConfigureAwait(false);
        }

        try
        {
            var services = await client.DiscoverExternalServicesAsync(ct).ConfigureAwait(false);
            if (services.Count == 0)
            {
                problems.Add("no STUN/TURN service");
                await output.WriteLineAsync("external service:   none (XEP-0215)").ConfigureAwait(false);
            }

            foreach (var service in services)
            {
                // The record's own text leaves out username and password on purpose.
                await output.WriteLineAsync($"external service:   {service}").ConfigureAwait(false);
            }
        }
        catch (XmppException e)
        {
            problems.Add("no STUN/TURN service");
            await output.WriteLineAsync($"external service:   none ({e.Condition ?? e.Message})").ConfigureAwait(false);
        }

        try
        {
            var proxy = await client.DiscoverProxyAsync(ct).ConfigureAwait(false);
            if (proxy is null)
            {
                problems.Add("no SOCKS5 proxy");
            }

            await output.WriteLineAsync(proxy is null
                ? "socks5 proxy:       none (XEP-0065)"
                : $"socks5 proxy:       {proxy.Jid} streamhost {proxy.Host}:{proxy.Port.ToString(CultureInfo.InvariantCulture)}").ConfigureAwait(false);
        }
        catch (XmppException e)
        {
            problems.Add("no SOCKS5 proxy");
            await output.WriteLineAsync($"socks5 proxy:       unknown ({e.Message})").ConfigureAwait(false);
        }

        await output.WriteLineAsync(problems.Count == 0
            ? $"verdict:            OK: logged in as {session.BoundJid}; relays available"
            : $"verdict:            OK: logged in as {session.BoundJid}; missing: {string.Join(", ", problems)}").ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
        return 0;
    }

    private static string DescribeTls(XmppSessionInfo session) => session.TlsProtocol switch
    {
        System.Security.Authentication.SslProtocols.Tls13 => "TLS 1.3",
        System.Security.Authentication.SslProtocols.Tls12 => "TLS 1.2",
        var other => other.ToString(),
    };

    /// <summary>Splits host:port (IPv6 in brackets).</summary>
    internal static bool TryParseServer(string text, out string? host, out int? port)
    {
        host = null;
        port = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is <= 0 or > 65535)
        {
            return false;
        }

        var h = text[..colon];
        if (h.StartsWith('[') && h.EndsWith(']'))
        {
            h = h[1..^1];
        }

        if (h.Length == 0)
        {
            return false;
        }

        host = h;
        port = p;
        return true;
    }
}
