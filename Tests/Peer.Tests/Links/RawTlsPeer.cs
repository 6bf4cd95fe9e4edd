using System.Buffers.Binary;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mesh.Peer.Identity;
using Mesh.Transport.Net;

namespace Mesh.Peer.Tests.Links;

/// <summary>
/// A misbehaving peer: completes TLS as the client with a real device certificate, then writes
/// whatever the test says, inside TLS or straight onto the TCP stream beneath it.
/// </summary>
internal sealed class RawTlsPeer : IAsyncDisposable
{
    private readonly ITcpConnection _connection;
    private readonly X509Certificate2 _certificate;

    private RawTlsPeer(ITcpConnection connection, SslStream tls, X509Certificate2 certificate)
    {
        _connection = connection;
        Tls = tls;
        _certificate = certificate;
    }

    public SslStream Tls { get; }

    /// <summary>The TCP stream beneath TLS.</summary>
    public Stream Wire => _connection.Stream;

    public static async Task<RawTlsPeer> ConnectAsync(ITcpConnection connection, DeviceIdentity identity)
    {
        var certificate = identity.CreateCertificate(DateTimeOffset.UtcNow);
        var tls = new SslStream(connection.Stream, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "mesh",
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificateContext = SslStreamCertificateContext.Create(certificate, null, offline: true),
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return new RawTlsPeer(connection, tls, certificate);
    }

    /// <summary>Writes a frame header (flag byte, big-endian length) and then <paramref name="payload"/>.</summary>
    public async Task WriteFrameAsync(byte flags, uint length, byte[] payload)
    {
        var header = new byte[5];
        header[0] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), length);
        await Tls.WriteAsync(header);
        await Tls.WriteAsync(payload);
        await Tls.FlushAsync();
    }

    /// <summary>Reads until the other side closes; true when it did within the timeout.</summary>
    public async Task<bool> ClosedByPeerAsync(TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await Tls.ReadAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Tls.DisposeAsync();
        await _connection.DisposeAsync();
        _certificate.Dispose();
    }
}
