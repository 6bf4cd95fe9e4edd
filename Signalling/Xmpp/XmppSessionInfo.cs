using System.Security.Authentication;

namespace Mesh.Signalling.Xmpp;

/// <summary>What one login negotiated: for status, diagnostics (<c>mesh doctor</c>) and tests.</summary>
public sealed record XmppSessionInfo
{
    /// <summary>The address connected to.</summary>
    public required string Endpoint { get; init; }

    /// <summary>True when TLS started at once (XEP-0368) rather than through STARTTLS.</summary>
    public required bool DirectTls { get; init; }

    /// <summary>The TLS version.</summary>
    public required SslProtocols TlsProtocol { get; init; }

    /// <summary>The server certificate's subject.</summary>
    public required string CertificateSubject { get; init; }

    /// <summary>The server certificate's SHA-256 fingerprint (usable as a pin).</summary>
    public required string CertificateSha256 { get; init; }

    /// <summary>The SASL mechanism that authenticated us.</summary>
    public required string Mechanism { get; init; }

    /// <summary>The full JID the server bound.</summary>
    public required Jid BoundJid { get; init; }

    /// <summary>True when stream management (XEP-0198) is on.</summary>
    public required bool StreamManagement { get; init; }

    /// <summary>True when this session resumed an earlier one (XEP-0198) instead of starting fresh.</summary>
    public required bool Resumed { get; init; }

    /// <summary>The stream features the server offered after authentication (element namespaces).</summary>
    public required IReadOnlyList<string> StreamFeatures { get; init; }
}
