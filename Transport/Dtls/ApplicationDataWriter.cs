using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Mesh.Transport.Net;

namespace Mesh.Transport.Dtls;

/// <summary>
/// Seals this side's records of the established epoch with AES-GCM into one reused buffer and sends them:
/// once the handshake is done, every datagram SCTP sends becomes one application_data record here
/// instead of in BouncyCastle (which allocates a record, a nonce and its output per datagram, and runs
/// unoptimised for the first few thousand of them). The write sequence number is this object's alone:
/// the records BouncyCastle still sends in the epoch (an alert, a retransmitted Finished) are re-sealed
/// under it on their way out (<see cref="Reseal"/>), so no two records ever share a GCM nonce.
/// </summary>
internal sealed class ApplicationDataWriter : IDisposable
{
    private const int HeaderLength = 13;
    private const int ExplicitNonceLength = 8;
    private const int TagLength = 16;
    private const byte ApplicationData = 23;
    private const ulong MaxSequence = (1UL << 48) - 1;

    private readonly AesGcm _aes;
    private readonly byte[] _salt;
    private readonly ushort _epoch;
    private readonly byte[] _record;
    private readonly byte[] _scratch;
    private readonly Lock _gate = new();
    private ulong _nextSequence;

    /// <summary>Seals records of <paramref name="epoch"/> with <paramref name="key"/> and <paramref name="salt"/>, starting at <paramref name="nextSequence"/>.</summary>
    public ApplicationDataWriter(byte[] key, byte[] salt, ushort epoch, ulong nextSequence, int maxPlaintext)
    {
        _aes = new AesGcm(key, TagLength);
        _salt = salt;
        _epoch = epoch;
        _nextSequence = nextSequence;
        _record = new byte[HeaderLength + ExplicitNonceLength + maxPlaintext + TagLength];
        _scratch = new byte[_record.Length];
        MaxPlaintext = maxPlaintext;
    }

    /// <summary>The epoch this writer seals.</summary>
    public ushort Epoch => _epoch;

    /// <summary>The largest plaintext one record carries.</summary>
    public int MaxPlaintext { get; }

    /// <summary>Records sealed here, for tests and statistics.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Seals <paramref name="plaintext"/> as one application_data record and sends it on <paramref name="path"/>; false if the sequence numbers ran out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Write(ReadOnlySpan<byte> plaintext, IDatagramPath path)
    {
        lock (_gate)
        {
            var length = Seal(ApplicationData, plaintext, _record);
            if (length == 0)
            {
                return false;
            }

            path.Send(_record.AsSpan(0, length));
            return true;
        }
    }

    /// <summary>
    /// Sends a datagram BouncyCastle produced, re-sealing each record of this epoch in it under this
    /// writer's next sequence number (other epochs go out as they are). A record that does not open
    /// with the shared key is dropped: it cannot be one of ours.
    /// </summary>
    public void Reseal(ReadOnlySpan<byte> datagram, IDatagramPath path)
    {
        lock (_gate)
        {
            var output = new byte[datagram.Length];
            var written = 0;
            while (datagram.Length >= HeaderLength)
            {
                var length = HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
                if (length > datagram.Length)
                {
                    break;
                }

                var record = datagram[..length];
                datagram = datagram[length..];
                if (BinaryPrimitives.ReadUInt16BigEndian(record[3..]) != _epoch)
                {
                    record.CopyTo(output.AsSpan(written));
                    written += length;
                    continue;
                }

                var plaintext = _scratch.AsSpan(0, Math.Max(0, length - HeaderLength - ExplicitNonceLength - TagLength));
                if (plaintext.Length > MaxPlaintext || !Open(record, plaintext))
                {
                    continue;
                }

                var sealedLength = Seal(record[0], plaintext, output.AsSpan(written));
                written += sealedLength;
            }

            if (written > 0)
            {
                path.Send(output.AsSpan(0, written));
            }
        }
    }

    /// <summary>Releases the key.</summary>
    public void Dispose() => _aes.Dispose();

    /// <summary>The highest sequence number of <paramref name="epoch"/> among the records in <paramref name="datagram"/>, or -1.</summary>
    public static long HighestSequence(ReadOnlySpan<byte> datagram, ushort epoch)
    {
        var highest = -1L;
        while (datagram.Length >= HeaderLength)
        {
            var length = HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
            if (BinaryPrimitives.ReadUInt16BigEndian(datagram[3..]) == epoch)
            {
                highest = Math.Max(highest, (long)(BinaryPrimitives.ReadUInt64BigEndian(datagram[3..]) & MaxSequence));
            }

            datagram = datagram[Math.Min(length, datagram.Length)..];
        }

        return highest;
    }

    /// <summary>Writes one sealed record of <paramref name="type"/> to <paramref name="destination"/>; returns its length, 0 if sequence numbers ran out.</summary>
    private int Seal(byte type, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (_nextSequence > MaxSequence)
        {
            return 0; // RFC 6347 section 4.1: never wrap; the connection has to end instead
        }

        var sequence = ((ulong)_epoch << 48) | _nextSequence++;
        var length = HeaderLength + ExplicitNonceLength + plaintext.Length + TagLength;
        destination[0] = type;
        destination[1] = 254; // DTLS 1.2, the only version negotiated
        destination[2] = 253;
        BinaryPrimitives.WriteUInt64BigEndian(destination[3..], sequence);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], (ushort)(length - HeaderLength));

        // RFC 5288: the explicit nonce is the record's own epoch and sequence number, unique per key.
        BinaryPrimitives.WriteUInt64BigEndian(destination[HeaderLength..], sequence);
        Span<byte> nonce = stackalloc byte[12];
        _salt.CopyTo(nonce);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], sequence);
        Span<byte> additional = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt64BigEndian(additional, sequence);
        additional[8] = type;
        additional[9] = 254;
        additional[10] = 253;
        BinaryPrimitives.WriteUInt16BigEndian(additional[11..], (ushort)plaintext.Length);
        var body = destination[(HeaderLength + ExplicitNonceLength)..length];
        _aes.Encrypt(nonce, plaintext, body[..plaintext.Length], body[plaintext.Length..], additional);
        RecordsWritten++;
        return length;
    }

    private bool Open(ReadOnlySpan<byte> record, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[12];
        _salt.CopyTo(nonce);
        record.Slice(HeaderLength, ExplicitNonceLength).CopyTo(nonce[4..]);
        Span<byte> additional = stackalloc byte[HeaderLength];
        record[3..11].CopyTo(additional);
        additional[8] = record[0];
        additional[9] = record[1];
        additional[10] = record[2];
        BinaryPrimitives.WriteUInt16BigEndian(additional[11..], (ushort)plaintext.Length);
        try
        {
            var body = record[(HeaderLength + ExplicitNonceLength)..];
            _aes.Decrypt(nonce, body[..plaintext.Length], body[plaintext.Length..], plaintext, additional);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }
}
