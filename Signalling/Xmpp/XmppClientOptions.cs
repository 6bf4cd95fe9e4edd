using Mesh.Signalling.Xmpp.Connection;
using Mesh.Transport;
using Mesh.Transport.Net;

namespace Mesh.Signalling.Xmpp;

/// <summary>How an <see cref="XmppClient"/> logs in and behaves. Validated once by the client's constructor.</summary>
public sealed class XmppClientOptions
{
    /// <summary>The account (bare JID); a resource here is used as the requested resource.</summary>
    public required Jid Jid { get; init; }

    /// <summary>The account's password. Never logged.</summary>
    public required string Password { get; init; }

    /// <summary>The resource to ask for; null lets the server choose.</summary>
    public string? Resource { get; init; }

    /// <summary>Connect to this host instead of looking up SRV records.</summary>
    public string? Host { get; init; }

    /// <summary>The port for <see cref="Host"/>; 5222 when null.</summary>
    public int? Port { get; init; }

    /// <summary>With <see cref="Host"/>: start TLS immediately (XEP-0368) instead of STARTTLS.</summary>
    public bool DirectTls { get; init; }

    /// <summary>A PEM file of extra CA certificates to trust besides the system's.</summary>
    public string? CaFile { get; init; }

    /// <summary>Accept only the server certificate with this SHA-256 fingerprint (hex, colons optional).</summary>
    public string? PinnedCertificateSha256 { get; init; }

    /// <summary>Restricts SASL to these mechanisms (e.g. to test one); null allows every supported one.</summary>
    public IReadOnlyList<string>? AllowedMechanisms { get; init; }

    /// <summary>Use stream management (XEP-0198) when the server offers it.</summary>
    public bool StreamManagement { get; init; } = true;

    /// <summary>Reconnect by itself after the connection drops.</summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>The first reconnect delay; it doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a TCP connect plus login may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for an IQ response by default.</summary>
    public TimeSpan IqTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often to ping the server to find a dead connection; zero disables.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The largest stanza accepted from the server.</summary>
    public int MaxStanzaBytes { get; init; } = 512 * 1024;

    /// <summary>The presence priority announced.</summary>
    public int Priority { get; init; }

    /// <summary>Extra feature namespaces to advertise in disco#info and caps, besides the Mesh one.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>The caps node naming this software (XEP-0115).</summary>
    public string CapsNode { get; init; } = "urn:mesh:client";

    /// <summary>The network to open TCP connections through.</summary>
    public INetwork Network { get; init; } = SocketNetwork.Instance;

    /// <summary>The clock for timeouts, keepalives and backoff.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Randomness for nonces, stanza ids and jitter.</summary>
    public Random Random { get; init; } = SecureRandom.Instance;

    /// <summary>The SRV resolver; tests replace it so they never query real DNS.</summary>
    internal ISrvResolver? SrvResolver { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Jid);
        if (Jid.Local is null)
        {
            throw new ArgumentException("the JID needs a local part (user@domain)", nameof(Jid));
        }

        ArgumentException.ThrowIfNullOrEmpty(Password);
        if (Port is <= 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "not a port number");
        }

        if (ReconnectInitialDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectInitialDelay)
        {
            throw new ArgumentException("reconnect delays must be positive and max >= initial");
        }
    }
}
