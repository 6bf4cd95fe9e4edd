using System.Runtime.CompilerServices;
using Mesh.Transport.Certificates;
using Mesh.Transport.Net;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Mesh.Transport.Dtls;

/// <summary>
/// A DTLS 1.2 connection over an <see cref="IDatagramPath"/>, authenticated by certificate fingerprint,
/// that is itself a datagram path: SCTP runs over it exactly as it would over a plain one.
/// </summary>
/// <remarks>
/// BouncyCastle's DTLS classes block while they wait for a datagram, so the handshake and, afterwards,
/// reception each run on one dedicated thread of this class (never inside a protocol state machine):
/// the receive thread decrypts each record and pushes the plaintext to the handler given to
/// <see cref="Start"/>. Their retransmission timers read the wall clock, not a <see cref="TimeProvider"/>,
/// which is the one place below the link where simulated time does not reach.
/// </remarks>
public sealed class DtlsConnection : IDatagramPath
{
    private readonly PathDatagramTransport _transport;
    private readonly DtlsTransport _dtls;
    private readonly object _sendGate = new();
    private readonly byte[] _sendBuffer;
    private readonly ApplicationDataReader? _reader;
    private readonly ApplicationDataWriter? _writer;
    private Thread? _receiver;
    private volatile bool _closed;

    private DtlsConnection(PathDatagramTransport transport, DtlsTransport dtls, DtlsRole role, CertificateFingerprint peer, ApplicationDataReader? reader, AesGcmRecordCipher? encryptor)
    {
        _transport = transport;
        _dtls = dtls;
        _reader = reader;
        Role = role;
        PeerFingerprint = peer;
        _sendBuffer = new byte[Math.Max(dtls.GetSendLimit(), 1)];
        if (encryptor is { Key: { } key, Salt: { } salt })
        {
            // By now this side's Finished went out in the new epoch, so the salt is known and the
            // transport knows the last sequence number BouncyCastle used.
            var limit = _sendBuffer.Length;
            _writer = transport.EnableWriter(next => new ApplicationDataWriter(key, salt, PathDatagramTransport.WriterEpoch, next, limit));
        }
    }

    /// <summary>Raised once when the connection ends: the peer closed it, a fatal alert, or <see cref="Dispose"/>; the argument is the reason, if any.</summary>
    public event Action<Exception?>? Closed;

    /// <summary>This side's role in the handshake.</summary>
    public DtlsRole Role { get; }

    /// <summary>The peer certificate's fingerprint, equal to the expected one.</summary>
    public CertificateFingerprint PeerFingerprint { get; }

    /// <summary>The largest plaintext one record carries without exceeding the path's datagram size.</summary>
    public int MaxDatagramSize => _sendBuffer.Length;

    /// <summary>Records sealed by <see cref="ApplicationDataWriter"/> rather than BouncyCastle, for tests and statistics.</summary>
    internal long RecordsSealedHere => _writer?.RecordsWritten ?? 0;

    /// <summary>True once closed from either side.</summary>
    public bool IsClosed => _closed;

    /// <summary>
    /// Runs the handshake over <paramref name="path"/> and returns the connection once it is complete;
    /// throws <see cref="DtlsException"/> if the peer's certificate is not <paramref name="expectedPeer"/>,
    /// the handshake fails or times out. Disposing the path is the caller's job if this throws.
    /// </summary>
    public static async Task<DtlsConnection> HandshakeAsync(
        IDatagramPath path,
        DtlsRole role,
        DeviceCertificate local,
        CertificateFingerprint expectedPeer,
        DtlsOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(local);
        options ??= new DtlsOptions();
        var transport = new PathDatagramTransport(path, options.ReceiveLimit, options.ReceiveQueueLimit);
        var check = new PeerCertificateCheck(expectedPeer);
        var crypto = new MeshTlsCrypto(new Org.BouncyCastle.Security.SecureRandom());
        var timeout = (int)Math.Clamp(options.HandshakeTimeout.TotalMilliseconds, 1, int.MaxValue);
        var completion = new TaskCompletionSource<DtlsTransport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var dtls = role == DtlsRole.Client
                    ? new DtlsClientProtocol().Connect(new MeshDtlsClient(crypto, local, check, timeout), transport)
                    : new DtlsServerProtocol().Accept(new MeshDtlsServer(crypto, local, check, timeout), transport);
                completion.TrySetResult(dtls);
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "dtls-handshake",
        };
        thread.Start();

        using (cancellationToken.UnsafeRegister(_ => transport.Close(), null))
        {
            try
            {
                var dtls = await completion.Task.ConfigureAwait(false);
                return new DtlsConnection(transport, dtls, role, check.Actual ?? expectedPeer, CreateReader(crypto, dtls), crypto.Encryptor);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                transport.Close();
                cancellationToken.ThrowIfCancellationRequested();
                throw Describe(e, check, role);
            }
        }
    }

    /// <summary>Encrypts one datagram as one record and sends it; dropped silently once closed or if too large.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Send(ReadOnlySpan<byte> datagram)
    {
        if (_closed || datagram.Length > _sendBuffer.Length)
        {
            return;
        }

        if (_writer is not null)
        {
            bool written;
            try
            {
                written = _writer.Write(datagram, _transport.Path);
            }
            catch (ObjectDisposedException)
            {
                return; // closed by another thread meanwhile
            }

            if (!written)
            {
                Close(new DtlsException("DTLS write sequence numbers are exhausted."));
            }

            return;
        }

        try
        {
            lock (_sendGate)
            {
                datagram.CopyTo(_sendBuffer);
                _dtls.Send(_sendBuffer, 0, datagram.Length);
            }
        }
        catch (Exception e) when (e is IOException or TlsException or ObjectDisposedException)
        {
            Close(e);
        }
    }

    /// <summary>Starts the receive thread, which pushes each decrypted record to <paramref name="handler"/>.</summary>
    public void Start(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_receiver is not null)
        {
            throw new InvalidOperationException("The connection is already started.");
        }

        _receiver = new Thread(() => ReceiveLoop(handler)) { IsBackground = true, Name = "dtls-receive" };
        _receiver.Start();
        if (_reader is not null)
        {
            _transport.EnableFastPath(_reader, handler);
        }
    }

    /// <summary>Sends close_notify and stops.</summary>
    public void Dispose() => Close(null);

    private void ReceiveLoop(DatagramHandler handler)
    {
        var buffer = new byte[Math.Max(_dtls.GetReceiveLimit(), 1)];
        try
        {
            while (!_closed)
            {
                var length = _dtls.Receive(buffer, 0, buffer.Length, 1000);
                if (length >= 0)
                {
                    handler(buffer.AsSpan(0, length));
                }
            }
        }
        catch (Exception e) when (e is IOException or TlsException or ObjectDisposedException)
        {
            Close(_closed ? null : e);
        }
    }

    private void Close(Exception? reason)
    {
        lock (_sendGate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        try
        {
            _dtls.Close();
        }
        catch (Exception e) when (e is IOException or TlsException)
        {
            // The peer is gone or the record could not be sent; closing locally is all that is left.
        }

        _transport.DisableFastPath()?.Dispose();
        _writer?.Dispose();
        _transport.Close();
        Closed?.Invoke(reason);
    }

    /// <summary>
    /// The fast reader for the peer's records once the handshake is done, when the suite is AES-GCM: by
    /// then the peer's Finished (the first record of epoch 1) has been decrypted, so the key and the
    /// implicit nonce are known. Null (everything through BouncyCastle) for ChaCha20-Poly1305.
    /// </summary>
    private static ApplicationDataReader? CreateReader(MeshTlsCrypto crypto, DtlsTransport dtls) =>
        crypto.Decryptor is { Key: { } key, Salt: { } salt }
            ? new ApplicationDataReader(key, salt, epoch: 1, maxPlaintext: Math.Max(dtls.GetReceiveLimit(), 1))
            : null;

    private static DtlsException Describe(Exception e, PeerCertificateCheck check, DtlsRole role)
    {
        if (check.Failure is not null)
        {
            return new DtlsException($"DTLS handshake ({role}) refused: {check.Failure}.", e);
        }

        return e switch
        {
            TlsTimeoutException => new DtlsException($"DTLS handshake ({role}) timed out.", e),
            TlsFatalAlertReceived alert => new DtlsException($"DTLS handshake ({role}) failed: the peer sent the fatal alert {AlertDescription.GetText(alert.AlertDescription)}.", e),
            TlsFatalAlert alert => new DtlsException($"DTLS handshake ({role}) failed: {AlertDescription.GetText(alert.AlertDescription)} ({alert.Message}).", e),
            _ => new DtlsException($"DTLS handshake ({role}) failed: {e.Message}", e),
        };
    }
}
