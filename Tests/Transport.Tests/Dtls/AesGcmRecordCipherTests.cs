using Mesh.Transport.Dtls;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Tls;

namespace Mesh.Transport.Tests.Dtls;

/// <summary>
/// The .NET AES-GCM record cipher must produce exactly what BouncyCastle's GCM produces, or a peer using
/// any other stack could not read our records; checked both ways against BouncyCastle's own GCM.
/// </summary>
public sealed class AesGcmRecordCipherTests
{
    [Theory]
    [InlineData(16, 0)]
    [InlineData(16, 1187)]
    [InlineData(32, 1187)]
    public void RecordsEncryptedHereDecryptWithBouncyCastlesGcmAndBack(int keySize, int length)
    {
        var random = new Random(keySize + length);
        var key = Bytes(random, keySize);
        var nonce = Bytes(random, 12);
        var additional = Bytes(random, 13);
        var plaintext = Bytes(random, length);

        using var encrypt = new AesGcmRecordCipher(encrypting: true);
        encrypt.SetKey(key, 0, key.Length);
        encrypt.Init(nonce, 16, additional);
        var sealedRecord = new byte[encrypt.GetOutputSize(length) + 5];
        Assert.Equal(length + 16, encrypt.DoFinal(plaintext, 0, length, sealedRecord, 5));
        Assert.Equal(plaintext, BouncyCastleGcm(false, key, nonce, additional, sealedRecord.AsSpan(5).ToArray()));

        var fromBouncyCastle = BouncyCastleGcm(true, key, nonce, additional, plaintext);
        using var decrypt = new AesGcmRecordCipher(encrypting: false);
        decrypt.SetKey(key, 0, key.Length);
        decrypt.Init(nonce, 16, additional);
        var opened = new byte[decrypt.GetOutputSize(fromBouncyCastle.Length)];
        Assert.Equal(length, decrypt.DoFinal(fromBouncyCastle, 0, fromBouncyCastle.Length, opened, 0));
        Assert.Equal(plaintext, opened);
    }

    [Fact]
    public void ATamperedRecordIsABadRecordMac()
    {
        var random = new Random(3);
        var key = Bytes(random, 16);
        var nonce = Bytes(random, 12);
        var additional = Bytes(random, 13);
        var record = BouncyCastleGcm(true, key, nonce, additional, Bytes(random, 100));
        record[10] ^= 1;
        using var decrypt = new AesGcmRecordCipher(encrypting: false);
        decrypt.SetKey(key, 0, key.Length);
        decrypt.Init(nonce, 16, additional);
        var alert = Assert.Throws<TlsFatalAlert>(() => decrypt.DoFinal(record, 0, record.Length, new byte[100], 0));
        Assert.Equal(AlertDescription.bad_record_mac, alert.AlertDescription);
    }

    private static byte[] BouncyCastleGcm(bool encrypting, byte[] key, byte[] nonce, byte[] additional, byte[] input)
    {
        var gcm = new GcmBlockCipher(AesUtilities.CreateEngine());
        gcm.Init(encrypting, new AeadParameters(new KeyParameter(key), 128, nonce, additional));
        var output = new byte[gcm.GetOutputSize(input.Length)];
        var written = gcm.ProcessBytes(input, 0, input.Length, output, 0);
        written += gcm.DoFinal(output, written);
        return output[..written];
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
