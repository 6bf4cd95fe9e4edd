using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mesh.Peer.Identity;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Links;

/// <summary>
/// Makes a <see cref="TlsLink"/> over a connected duplex stream: TLS 1.3 with a certificate made from
/// each side's device key on both sides. Certificates are self-signed, so no chain is checked; what
/// matters is the key, since TLS proves the other side holds it and its hash is the device ID. The
/// dialling side expects one device; the accepting side takes any device the caller knows. A refused
/// device is logged with both IDs, and the stream is disposed on every failure (the link owns it).
/// </summary>
internal static class TlsLinkHandshake
{
    // TLS needs a host name; peers are identified by key, not name, so every side uses the same one.
    private const string TargetHost = "mesh";

    // AES-128-GCM first: OpenSSL's own order puts AES-256-GCM first, whose 14 rounds cost about 40 % more
    // than AES-128's 10 for every byte both sides encrypt or decrypt, and a bulk transfer is CPU-bound on
    // that (docs/links.md, "Cipher suite"). 128-bit keys are TLS 1.3's mandatory suite and ample here.
    // Both sides list the same suites, so either side's preference gives AES-128-GCM; a peer that offers
    // only another TLS 1.3 suite still connects. Only Linux lets .NET choose the suites.
    private static readonly CipherSuitesPolicy? PreferredCipherSuites = OperatingSystem.IsLinux()
        ? new CipherSuitesPolicy([TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256])
        : null;

    /// <summary>Dials: completes TLS as the client and checks that the server is <paramref name="expectedRemote"/>.</summary>
    /// <exception cref="DirectLinkException">The handshake failed or the server is another device.</exception>
    public static Task<TlsLink> ConnectAsync(Stream stream, DeviceIdentity local, DeviceId expectedRemote, ILogger logger, CancellationToken ct) =>
        ConnectAsync(stream, local, expectedRemote, new TlsLinkOptions(), logger, ct);

    /// <summary>As <see cref="ConnectAsync(Stream, DeviceIdentity, DeviceId, ILogger, CancellationToken)"/>, with options.</summary>
    public static async Task<TlsLink> ConnectAsync(Stream stream, DeviceIdentity local, DeviceId expectedRemote, TlsLinkOptions options, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(options);
        var check = new PeerCheck(presented => presented == expectedRemote
            ? null
            : $"Refused device {presented}: expected device {expectedRemote}, but the certificate presented is of device {presented}");
        using var certificate = local.CreateCertificate(options.Time.GetUtcNow());
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost,
            EnabledSslProtocols = SslProtocols.Tls13,
            CipherSuitesPolicy = PreferredCipherSuites,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true),
            RemoteCertificateValidationCallback = (_, certificate, _, _) => check.Validate(certificate),
        };
        return await HandshakeAsync(stream, check, options, logger, (tls, token) => tls.AuthenticateAsClientAsync(authentication, token), ct).ConfigureAwait(false);
    }

    /// <summary>Accepts: completes TLS as the server and takes the client only when <paramref name="isKnownPeer"/> says so.</summary>
    /// <exception cref="DirectLinkException">The handshake failed or the client is not a known device.</exception>
    public static Task<TlsLink> AcceptAsync(Stream stream, DeviceIdentity local, Func<DeviceId, bool> isKnownPeer, ILogger logger, CancellationToken ct) =>
        AcceptAsync(stream, local, isKnownPeer, new TlsLinkOptions(), logger, ct);

    /// <summary>As <see cref="AcceptAsync(Stream, DeviceIdentity, Func{DeviceId, bool}, ILogger, CancellationToken)"/>, with options.</summary>
    public static async Task<TlsLink> AcceptAsync(Stream stream, DeviceIdentity local, Func<DeviceId, bool> isKnownPeer, TlsLinkOptions options, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(isKnownPeer);
        ArgumentNullException.ThrowIfNull(options);
        var check = new PeerCheck(presented => isKnownPeer(presented)
            ? null
            : $"Refused device {presented}: it is not a configured peer of this device");
        using var certificate = local.CreateCertificate(options.Time.GetUtcNow());
        var authentication = new SslServerAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls13,
            CipherSuitesPolicy = PreferredCipherSuites,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateRequired = true,
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true),
            RemoteCertificateValidationCallback = (_, certificate, _, _) => check.Validate(certificate),
        };
        return await HandshakeAsync(stream, check, options, logger, (tls, token) => tls.AuthenticateAsServerAsync(authentication, token), ct).ConfigureAwait(false);
    }

    private static async Task<TlsLink> HandshakeAsync(Stream stream, PeerCheck check, TlsLinkOptions options, ILogger logger, Func<SslStream, CancellationToken, Task> authenticate, CancellationToken ct)
    {
        var wire = new CountingStream(stream);
        var tls = new SslStream(wire, leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(options.HandshakeTimeout, options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await authenticate(tls, linked.Token).ConfigureAwait(false);
            if (check.Presented is not { } remote || check.Refusal is not null)
            {
                // TLS 1.3 lets a client finish before the server judged its certificate; the
                // callback's verdict is what counts on both sides.
                throw new AuthenticationException(check.Refusal ?? "the peer presented no certificate");
            }

            return new TlsLink(tls, wire, remote, options, logger);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            if (check.Refusal is { } refusal)
            {
                logger.LogWarning("{Refusal}", refusal);
                throw new DirectLinkException(refusal, ex);
            }

            if (ex is OperationCanceledException && ct.IsCancellationRequested)
            {
                throw;
            }

            var reason = ex is OperationCanceledException ? $"no TLS handshake within {options.HandshakeTimeout.TotalSeconds:0.#} s" : "TLS handshake failed: " + ex.Message;
            throw new DirectLinkException(reason, ex);
        }
    }

    /// <summary>The certificate callback's findings: the device the peer's key belongs to, and a refusal if any.</summary>
    private sealed class PeerCheck(Func<DeviceId, string?> judge)
    {
        public DeviceId? Presented { get; private set; }

        public string? Refusal { get; private set; }

        public bool Validate(X509Certificate? certificate)
        {
            if (certificate is null)
            {
                Refusal = "the peer presented no certificate";
                return false;
            }

            // Chain and name errors are expected: the certificate is self-signed and names no host.
            // Trust comes from the key's hash alone.
            using var full = certificate as X509Certificate2 is { } typed ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            var key = (certificate as X509Certificate2 ?? full!).PublicKey.ExportSubjectPublicKeyInfo();
            var presented = DeviceId.FromPublicKey(key);
            Presented = presented;
            Refusal = judge(presented);
            return Refusal is null;
        }
    }
}
