using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Mesh.Transport.Net;

namespace Mesh.Transport.Dtls;

/// <summary>
/// Decrypts the peer's AES-GCM application_data records of the established epoch as they arrive, on the
/// path's own thread, into one reused buffer: the bulk of a transfer then skips BouncyCastle's receive
/// path (a queue, a thread hop and a fresh record buffer per datagram). Anything else (alerts, handshake
/// retransmissions, other epochs, several records in one datagram) is left to BouncyCastle.
/// </summary>
internal sealed class ApplicationDataReader : IDisposable
{
    private const int HeaderLength = 13;
    private const int ExplicitNonceLength = 8;
    private const int TagLength = 16;
    private const byte ApplicationData = 23;
    private const int WindowSize = 64;

    private readonly AesGcm _aes;
    private readonly byte[] _salt;
    private readonly ushort _epoch;
    private readonly byte[] _plaintext;
    private ulong _highest;
    private ulong _window;
    private bool _any;

    /// <summary>Reads records of <paramref name="epoch"/> protected with <paramref name="key"/> and <paramref name="salt"/>.</summary>
    public ApplicationDataReader(byte[] key, byte[] salt, ushort epoch, int maxPlaintext)
    {
        _aes = new AesGcm(key, TagLength);
        _salt = salt;
        _epoch = epoch;
        _plaintext = new byte[maxPlaintext];
    }

    /// <summary>Records that failed authentication or were replays, dropped as RFC 6347 section 4.1.2.7 asks.</summary>
    public long Dropped { get; private set; }

    /// <summary>
    /// If <paramref name="datagram"/> is one application_data record of this epoch, decrypts it and passes
    /// the plaintext to <paramref name="handler"/> (unless it is forged or a replay) and returns true;
    /// otherwise returns false and the datagram is BouncyCastle's. Called by one thread at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(ReadOnlySpan<byte> datagram, DatagramHandler handler)
    {
        if (datagram.Length < HeaderLength + ExplicitNonceLength + TagLength || datagram[0] != ApplicationData
            || BinaryPrimitives.ReadUInt16BigEndian(datagram[3..]) != _epoch
            || BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]) != datagram.Length - HeaderLength)
        {
            return false;
        }

        var sequence = BinaryPrimitives.ReadUInt64BigEndian(datagram[3..]) & 0xFFFF_FFFF_FFFF;
        if (IsReplay(sequence))
        {
            Dropped++;
            return true;
        }

        var body = datagram[HeaderLength..];
        var length = body.Length - ExplicitNonceLength - TagLength;
        Span<byte> nonce = stackalloc byte[12];
        _salt.CopyTo(nonce);
        body[..ExplicitNonceLength].CopyTo(nonce[4..]);

        // RFC 5246 section 6.2.3.3: seq_num (epoch and sequence) + type + version + plaintext length.
        Span<byte> additional = stackalloc byte[HeaderLength];
        datagram[3..11].CopyTo(additional);
        additional[8] = datagram[0];
        additional[9] = datagram[1];
        additional[10] = datagram[2];
        BinaryPrimitives.WriteUInt16BigEndian(additional[11..], (ushort)length);
        if (length > _plaintext.Length)
        {
            Dropped++;
            return true;
        }

        var plaintext = _plaintext.AsSpan(0, length);
        try
        {
            _aes.Decrypt(nonce, body.Slice(ExplicitNonceLength, length), body[^TagLength..], plaintext, additional);
        }
        catch (AuthenticationTagMismatchException)
        {
            Dropped++;
            return true;
        }
        catch (ObjectDisposedException)
        {
            // The connection closed while this datagram was in flight.
            return true;
        }

        Accept(sequence);
        handler(plaintext);
        return true;
    }

    /// <summary>Releases the key.</summary>
    public void Dispose() => _aes.Dispose();

    private bool IsReplay(ulong sequence)
    {
        if (!_any || sequence > _highest)
        {
            return false;
        }

        var behind = _highest - sequence;
        return behind >= WindowSize || (_window & (1UL << (int)behind)) != 0;
    }

    private void Accept(ulong sequence)
    {
        if (!_any)
        {
            _any = true;
            _highest = sequence;
            _window = 1;
        }
        else if (sequence > _highest)
        {
            var shift = sequence - _highest;
            _window = shift >= WindowSize ? 1 : (_window << (int)shift) | 1;
            _highest = sequence;
        }
        else
        {
            _window |= 1UL << (int)(_highest - sequence);
        }
    }
}
