using System.Buffers.Binary;
using System.Collections.Concurrent;
using Mesh.Transport.Certificates;
using Mesh.Transport.Dtls;

namespace Mesh.Transport.Tests.Dtls;

/// <summary>
/// Current browsers, as DTLS clients, offer DTLS 1.3 next to 1.2 and send a post-quantum key share
/// (X25519MLKEM768, 1,216 bytes), so their ClientHello is larger than one datagram and arrives as
/// handshake fragments. These tests play such a client byte for byte against our server and check that
/// it reassembles the message and answers with DTLS 1.2.
/// </summary>
public sealed class BrowserClientHelloTests
{
    private const byte Handshake = 22;
    private const byte ClientHelloType = 1;
    private const byte ServerHelloType = 2;
    private const byte HelloVerifyRequestType = 3;
    private const int FragmentSize = 900;

    private static readonly DeviceCertificate Server = DeviceCertificate.Generate("server", DateTimeOffset.UtcNow);
    private static readonly DeviceCertificate Browser = DeviceCertificate.Generate("browser", DateTimeOffset.UtcNow);

    [Fact]
    public async Task FragmentedClientHelloOfferingDtls13And12IsAnsweredWithADtls12ServerHello()
    {
        var pipe = new DatagramPipe();
        var replies = new BlockingCollection<byte[]>();
        pipe.A.Start(d => replies.Add(d.ToArray()));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var options = new DtlsOptions { HandshakeTimeout = TimeSpan.FromSeconds(60) };
        var server = DtlsConnection.HandshakeAsync(pipe.B, DtlsRole.Server, Server, Browser.Fingerprint, options, cts.Token);

        var random = new Random(6);
        var clientRandom = new byte[32];
        random.NextBytes(clientRandom);
        var recordSequence = 0L;
        var hello = BuildClientHello(clientRandom, cookie: [], random);
        Assert.True(hello.Length > 1200, "the ClientHello must not fit in one datagram");
        foreach (var datagram in Fragment(hello, messageSequence: 0, ref recordSequence))
        {
            pipe.A.Send(datagram);
        }

        var (type, body) = NextHandshakeMessage(replies);
        if (type == HelloVerifyRequestType)
        {
            // RFC 6347 section 4.2.1: repeat the ClientHello with the server's cookie (message_seq 1).
            var cookie = body.AsSpan(3, body[2]).ToArray();
            hello = BuildClientHello(clientRandom, cookie, random);
            foreach (var datagram in Fragment(hello, messageSequence: 1, ref recordSequence))
            {
                pipe.A.Send(datagram);
            }

            (type, body) = NextHandshakeMessage(replies);
        }

        Assert.Equal(ServerHelloType, type);
        Assert.Equal(0xfefd, BinaryPrimitives.ReadUInt16BigEndian(body));

        // A server that negotiated 1.3 would say so in supported_versions; a 1.2 server must not answer it.
        Assert.DoesNotContain(0x002b, ServerHelloExtensions(body));
        var suite = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(2 + 32 + 1 + body[34]));
        Assert.Contains(suite, new[] { 0xc02b, 0xc02c, 0xcca9 });

        // RFC 8446 section 4.1.3: a client that offered 1.3 aborts if the random carries the downgrade
        // marker, which only a server that itself supports 1.3 may set.
        Assert.NotEqual("DOWNGRD\u0001"u8.ToArray(), body.AsSpan(2 + 24, 8).ToArray());

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
    }

    private static (byte Type, byte[] Body) NextHandshakeMessage(BlockingCollection<byte[]> replies)
    {
        while (replies.TryTake(out var datagram, TimeSpan.FromSeconds(30)))
        {
            var offset = 0;
            while (offset + 13 <= datagram.Length)
            {
                var contentType = datagram[offset];
                var length = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(offset + 11));
                var record = datagram.AsSpan(offset + 13, length);
                offset += 13 + length;
                if (contentType != Handshake || record.Length < 12)
                {
                    continue;
                }

                var messageLength = ReadUInt24(record[1..]);
                var fragmentOffset = ReadUInt24(record[6..]);
                var fragmentLength = ReadUInt24(record[9..]);
                if (fragmentOffset == 0 && fragmentLength == messageLength && record[0] is ServerHelloType or HelloVerifyRequestType)
                {
                    return (record[0], record.Slice(12, fragmentLength).ToArray());
                }
            }
        }

        throw new TimeoutException("the server sent no ServerHello or HelloVerifyRequest");
    }

    private static List<int> ServerHelloExtensions(byte[] body)
    {
        var offset = 2 + 32;
        offset += 1 + body[offset]; // session id
        offset += 2 + 1; // cipher suite, compression method
        var types = new List<int>();
        if (offset + 2 > body.Length)
        {
            return types;
        }

        var end = offset + 2 + BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset));
        offset += 2;
        while (offset + 4 <= end)
        {
            types.Add(BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset)));
            offset += 4 + BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset + 2));
        }

        return types;
    }

    /// <summary>A ClientHello body shaped like a current browser's, offering DTLS 1.3 and 1.2.</summary>
    private static byte[] BuildClientHello(byte[] clientRandom, byte[] cookie, Random random)
    {
        var hybridShare = new byte[1216];
        var x25519Share = new byte[32];
        random.NextBytes(hybridShare);
        random.NextBytes(x25519Share);
        var keyShares = Concat(U16(0x11ec), U16(hybridShare.Length), hybridShare, U16(0x001d), U16(32), x25519Share);
        var extensions = Concat(
            Extension(0x002b, [4, 0xfe, 0xfc, 0xfe, 0xfd]), // supported_versions: DTLS 1.3, DTLS 1.2
            Extension(0x000a, Concat(U16(6), U16(0x11ec), U16(0x001d), U16(0x0017))), // supported_groups
            Extension(0x0033, Concat(U16(keyShares.Length), keyShares)), // key_share
            Extension(0x000d, Concat(U16(8), U16(0x0403), U16(0x0804), U16(0x0401), U16(0x0503))), // signature_algorithms
            Extension(0x000b, [1, 0]), // ec_point_formats: uncompressed
            Extension(0x0017, []), // extended_master_secret
            Extension(0xff01, [0]), // renegotiation_info
            Extension(0x002d, [1, 1]), // psk_key_exchange_modes: psk_dhe_ke
            Extension(0x000e, Concat(U16(4), U16(0x0001), U16(0x0002), [0]))); // use_srtp, as browsers offer
        var suites = new[] { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc009, 0xc013 };
        var suiteBytes = Concat(suites.Select(U16).ToArray());
        return Concat(
            U16(0xfefd),
            clientRandom,
            [0], // session id
            [(byte)cookie.Length],
            cookie,
            U16(suiteBytes.Length),
            suiteBytes,
            [1, 0], // compression: null
            U16(extensions.Length),
            extensions);
    }

    /// <summary>Splits a handshake message into fragments, one record and one datagram each (RFC 6347 section 4.2.3).</summary>
    private static List<byte[]> Fragment(byte[] body, int messageSequence, ref long recordSequence)
    {
        var datagrams = new List<byte[]>();
        for (var offset = 0; offset < body.Length; offset += FragmentSize)
        {
            var length = Math.Min(FragmentSize, body.Length - offset);
            var handshake = Concat([ClientHelloType], U24(body.Length), U16(messageSequence), U24(offset), U24(length), body.AsSpan(offset, length).ToArray());
            var sequence = new byte[6];
            for (var i = 0; i < 6; i++)
            {
                sequence[i] = (byte)(recordSequence >> (8 * (5 - i)));
            }

            recordSequence++;
            datagrams.Add(Concat([Handshake], U16(0xfeff), U16(0), sequence, U16(handshake.Length), handshake));
        }

        return datagrams;
    }

    private static byte[] Extension(int type, byte[] body) => Concat(U16(type), U16(body.Length), body);

    private static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];

    private static byte[] U24(int value) => [(byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static int ReadUInt24(ReadOnlySpan<byte> bytes) => (bytes[0] << 16) | (bytes[1] << 8) | bytes[2];

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
