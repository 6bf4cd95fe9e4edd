using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>
/// Decides whether to accept the server's TLS certificate. Accepted are: a certificate the system trusts
/// for the XMPP domain; one that chains to an extra CA the user configured (self-hosted servers); or,
/// when a SHA-256 pin is configured, exactly the pinned certificate (the pin then replaces the chain
/// and name checks). Anything else is refused, and <see cref="FailureReason"/> says why, so the error
/// the user sees names the reason instead of "authentication failed".
/// </summary>
internal sealed class ServerCertificateValidator
{
    private readonly X509Certificate2Collection? _extraRoots;
    private readonly byte[]? _pin;

    public ServerCertificateValidator(X509Certificate2Collection? extraRoots, byte[]? pinSha256)
    {
        _extraRoots = extraRoots is { Count: > 0 } ? extraRoots : null;
        _pin = pinSha256;
    }

    /// <summary>Why the last certificate was refused; null when it was accepted.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>Loads the certificates of a PEM file as extra trust anchors.</summary>
    public static X509Certificate2Collection LoadCaFile(string path)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new XmppException(XmppErrorKind.Certificate, $"cannot read the CA file {path}: {e.Message}", e);
        }

        if (collection.Count == 0)
        {
            throw new XmppException(XmppErrorKind.Certificate, $"the CA file {path} holds no certificate");
        }

        return collection;
    }

    /// <summary>Parses a SHA-256 pin written as hex, with or without colons.</summary>
    public static byte[] ParsePin(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hex = text.Replace(":", string.Empty, StringComparison.Ordinal).Trim();
        try
        {
            var bytes = Convert.FromHexString(hex);
            return bytes.Length == 32 ? bytes : throw new FormatException("a SHA-256 fingerprint has 32 bytes");
        }
        catch (FormatException e)
        {
            throw new XmppException(XmppErrorKind.Certificate, $"'{text}' is not a SHA-256 fingerprint in hex", e);
        }
    }

    /// <summary>The SHA-256 fingerprint of a certificate, colon-separated hex (the pin format).</summary>
    public static string Fingerprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b);
    }

    /// <summary>The callback for <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object? sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        _ = sender;
        FailureReason = Check(certificate, chain, errors);
        return FailureReason is null;
    }

    private string? Check(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }

        if (_pin is not null)
        {
            var actual = SHA256.HashData(certificate.GetRawCertData());
            return CryptographicOperations.FixedTimeEquals(actual, _pin)
                ? null
                : $"the certificate's SHA-256 fingerprint {Fingerprint(certificate)} is not the pinned one";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"the certificate is not valid for this domain (subject {certificate.Subject})";
        }

        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        if (_extraRoots is not null)
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            using var leaf = new X509Certificate2(certificate);
            if (custom.Build(leaf))
            {
                return null;
            }

            return "the certificate does not chain to the system's trust store or the configured CA file: " + Describe(custom);
        }

        return "the certificate is not trusted: " + (chain is null ? errors.ToString() : Describe(chain));
    }

    private static string Describe(X509Chain chain)
    {
        var statuses = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError)
            .Select(s => $"{s.Status} ({s.StatusInformation.Trim()})")
            .Distinct()
            .ToArray();
        return statuses.Length == 0 ? "chain could not be built" : string.Join("; ", statuses);
    }
}
