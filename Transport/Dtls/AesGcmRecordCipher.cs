using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl;

namespace Mesh.Transport.Dtls;

/// <summary>
/// AES-GCM record protection for BouncyCastle's (D)TLS record layer done by .NET's <see cref="AesGcm"/>
/// (AES-NI and carry-less multiply through the platform's crypto library) instead of BouncyCastle's
/// managed GCM. BouncyCastle still builds the nonce and additional data (RFC 5288), so the records are
/// byte for byte the same; only the block cipher work moves.
/// </summary>
public sealed class AesGcmRecordCipher : TlsAeadCipherImpl, IDisposable
{
    private const int TagSize = 16;

    private readonly bool _encrypting;
    private AesGcm? _aes;
    private byte[] _nonce = [];
    private byte[] _additionalData = [];

    /// <summary>Creates the encrypting or the decrypting half of a record cipher.</summary>
    public AesGcmRecordCipher(bool encrypting)
    {
        _encrypting = encrypting;
    }

    /// <summary>Sets the AES key (16 or 32 bytes).</summary>
    public void SetKey(byte[] key, int keyOff, int keyLen) => SetKey(key.AsSpan(keyOff, keyLen));

    /// <summary>Sets the AES key (16 or 32 bytes).</summary>
    public void SetKey(ReadOnlySpan<byte> key)
    {
        _aes?.Dispose();
        _aes = new AesGcm(key, TagSize);
        Key = key.ToArray();
    }

    /// <summary>The key last set, for <see cref="ApplicationDataReader"/>.</summary>
    internal byte[]? Key { get; private set; }

    /// <summary>The implicit part of the nonce (RFC 5288's salt) seen in the last <see cref="Init"/>, for <see cref="ApplicationDataReader"/>.</summary>
    internal byte[]? Salt { get; private set; }

    /// <summary>Forgets the nonce and additional data of the last record; the key stays.</summary>
    public void Reset()
    {
        _nonce = [];
        _additionalData = [];
    }

    /// <summary>Takes the nonce and additional data of the next record; only 16-byte tags are used by TLS.</summary>
    public void Init(byte[] nonce, int macSize, byte[] additionalData)
    {
        if (macSize != TagSize)
        {
            throw new TlsFatalAlert(AlertDescription.internal_error, "AES-GCM record tags are 16 bytes");
        }

        _nonce = nonce;
        _additionalData = additionalData ?? [];
        if (Salt is null && nonce.Length == 12)
        {
            Salt = nonce[..4];
        }
    }

    /// <summary>The output size: the tag is appended when encrypting and removed when decrypting.</summary>
    public int GetOutputSize(int inputLength) => _encrypting ? inputLength + TagSize : Math.Max(0, inputLength - TagSize);

    /// <summary>As <see cref="DoFinal(byte[], int, int, byte[], int)"/>, with (more) additional data given here rather than to <see cref="Init"/>.</summary>
    public int DoFinal(byte[] additionalInput, byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset)
    {
        if (additionalInput is { Length: > 0 })
        {
            // BouncyCastle passes the record's additional data either to Init or here; both add up in GCM.
            _additionalData = _additionalData.Length == 0 ? additionalInput : [.. _additionalData, .. additionalInput];
        }

        return DoFinal(input, inputOffset, inputLength, output, outputOffset);
    }

    /// <summary>Encrypts to ciphertext followed by the tag, or checks the tag and decrypts; a bad tag is bad_record_mac, which DTLS discards.</summary>
    public int DoFinal(byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset)
    {
        var aes = _aes ?? throw new TlsFatalAlert(AlertDescription.internal_error, "AES-GCM key not set");
        var source = input.AsSpan(inputOffset, inputLength);
        if (_encrypting)
        {
            var destination = output.AsSpan(outputOffset, inputLength + TagSize);
            aes.Encrypt(_nonce, source, destination[..inputLength], destination[inputLength..], _additionalData);
            return inputLength + TagSize;
        }

        if (inputLength < TagSize)
        {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac);
        }

        var length = inputLength - TagSize;
        try
        {
            aes.Decrypt(_nonce, source[..length], source[length..], output.AsSpan(outputOffset, length), _additionalData);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac, e);
        }

        return length;
    }

    /// <summary>Releases the key.</summary>
    public void Dispose() => _aes?.Dispose();
}
