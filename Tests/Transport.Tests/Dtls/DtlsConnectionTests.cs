using System.Collections.Concurrent;
using Mesh.Transport.Certificates;
using Mesh.Transport.Dtls;

namespace Mesh.Transport.Tests.Dtls;

public sealed class DtlsConnectionTests
{
    private static readonly DeviceCertificate Alice = DeviceCertificate.Generate("alice", DateTimeOffset.UtcNow);
    private static readonly DeviceCertificate Bob = DeviceCertificate.Generate("bob", DateTimeOffset.UtcNow);
    private static readonly DtlsOptions Quick = new() { HandshakeTimeout = TimeSpan.FromSeconds(20) };

    internal static async Task<(DtlsConnection Client, DtlsConnection Server)> ConnectAsync(DatagramPipe pipe, DeviceCertificate? serverExpected = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = DtlsConnection.HandshakeAsync(pipe.A, DtlsRole.Client, Alice, Bob.Fingerprint, Quick, cts.Token);
        var server = DtlsConnection.HandshakeAsync(pipe.B, DtlsRole.Server, Bob, (serverExpected ?? Alice).Fingerprint, Quick, cts.Token);
        return (await client, await server);
    }

    [Fact]
    public async Task HandshakeAuthenticatesBothSidesAndCarriesDatagramsBothWays()
    {
        var pipe = new DatagramPipe();
        var (client, server) = await ConnectAsync(pipe);
        using (client)
        using (server)
        {
            Assert.Equal(Bob.Fingerprint, client.PeerFingerprint);
            Assert.Equal(Alice.Fingerprint, server.PeerFingerprint);
            var atServer = new BlockingCollection<byte[]>();
            var atClient = new BlockingCollection<byte[]>();
            server.Start(d => atServer.Add(d.ToArray()));
            client.Start(d => atClient.Add(d.ToArray()));
            client.Send("hello"u8);
            server.Send("world"u8);
            Assert.True(atServer.TryTake(out var s, TimeSpan.FromSeconds(10)));
            Assert.True(atClient.TryTake(out var c, TimeSpan.FromSeconds(10)));
            Assert.Equal("hello"u8.ToArray(), s);
            Assert.Equal("world"u8.ToArray(), c);
            Assert.True(client.MaxDatagramSize is > 1100 and < 1200);
        }
    }

    [Fact]
    public async Task FingerprintMismatchFailsTheHandshakeWithAClearError()
    {
        var pipe = new DatagramPipe();
        var mallory = DeviceCertificate.Generate("mallory", DateTimeOffset.UtcNow);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = DtlsConnection.HandshakeAsync(pipe.A, DtlsRole.Client, Alice, mallory.Fingerprint, Quick, cts.Token);
        var server = DtlsConnection.HandshakeAsync(pipe.B, DtlsRole.Server, Bob, Alice.Fingerprint, Quick, cts.Token);
        var error = await Assert.ThrowsAsync<DtlsException>(() => client);
        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
        Assert.Contains(mallory.Fingerprint.ToString(), error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DtlsException>(() => server);
    }

    [Fact]
    public async Task ServerRefusesAClientWhoseCertificateIsNotTheSignalledOne()
    {
        var pipe = new DatagramPipe();
        var mallory = DeviceCertificate.Generate("mallory", DateTimeOffset.UtcNow);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = DtlsConnection.HandshakeAsync(pipe.A, DtlsRole.Client, Alice, Bob.Fingerprint, Quick, cts.Token);
        var server = DtlsConnection.HandshakeAsync(pipe.B, DtlsRole.Server, Bob, mallory.Fingerprint, Quick, cts.Token);
        var error = await Assert.ThrowsAsync<DtlsException>(() => server);
        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DtlsException>(() => client);
    }

    [Fact]
    public async Task HandshakeRetransmitsWhenItsFirstFlightsAreLost()
    {
        var pipe = new DatagramPipe(seed: 2);
        var dropped = 0;
        pipe.Tap = (_, data) => dropped++ is 0 or 2 ? null : data;
        var (client, server) = await ConnectAsync(pipe);
        client.Dispose();
        server.Dispose();
        Assert.True(dropped > 2);
    }

    [Fact]
    public async Task GarbageDatagramsAreDiscardedAndTheConnectionKeepsWorking()
    {
        var pipe = new DatagramPipe();
        var (client, server) = await ConnectAsync(pipe);
        using (client)
        using (server)
        {
            var atServer = new BlockingCollection<byte[]>();
            server.Start(d => atServer.Add(d.ToArray()));
            var random = new Random(4);
            for (var i = 0; i < 500; i++)
            {
                var junk = new byte[random.Next(3, 1200)];
                random.NextBytes(junk);
                if (i % 3 == 0)
                {
                    junk[0] = 23; // application_data content type, DTLS 1.2 version, so it reaches decryption
                    junk[1] = 0xFE;
                    if (junk.Length > 2)
                    {
                        junk[2] = 0xFD;
                    }
                }

                pipe.B.Receive(junk);
            }

            client.Send("still here"u8);
            Assert.True(atServer.TryTake(out var message, TimeSpan.FromSeconds(10)));
            Assert.Equal("still here"u8.ToArray(), message);
            Assert.False(server.IsClosed);
        }
    }

    [Fact]
    public async Task ApplicationDataIsDecryptedOnThePathsOwnThreadWithoutAHop()
    {
        var pipe = new DatagramPipe();
        var (client, server) = await ConnectAsync(pipe);
        using (client)
        using (server)
        {
            var threads = new BlockingCollection<string?>();
            server.Start(_ => threads.Add(Thread.CurrentThread.Name));
            client.Start(_ => { });
            for (var i = 0; i < 20; i++)
            {
                client.Send("bulk"u8);
            }

            // BouncyCastle's own receive path would hand every record over from its "dtls-receive" thread.
            for (var i = 0; i < 20; i++)
            {
                Assert.True(threads.TryTake(out var name, TimeSpan.FromSeconds(10)));
                Assert.NotEqual("dtls-receive", name);
            }
        }
    }

    [Fact]
    public async Task ReplayedAndForgedRecordsAreDroppedAndTheConnectionKeepsWorking()
    {
        var pipe = new DatagramPipe();
        var (client, server) = await ConnectAsync(pipe);
        using (client)
        using (server)
        {
            var atServer = new BlockingCollection<byte[]>();
            server.Start(d => atServer.Add(d.ToArray()));
            client.Start(_ => { });
            var captured = new BlockingCollection<byte[]>();
            pipe.Tap = (end, data) =>
            {
                if (end == pipe.A)
                {
                    captured.Add(data);
                }

                return data;
            };
            client.Send("once"u8);
            Assert.True(atServer.TryTake(out var first, TimeSpan.FromSeconds(10)));
            Assert.Equal("once"u8.ToArray(), first);
            Assert.True(captured.TryTake(out var record, TimeSpan.FromSeconds(10)));
            pipe.B.Receive(record);
            var forged = record.ToArray();
            forged[^1] ^= 1; // same header and sequence number, so only the tag can refuse it
            pipe.B.Receive(forged);
            client.Send("twice"u8);
            Assert.True(atServer.TryTake(out var second, TimeSpan.FromSeconds(10)));
            Assert.Equal("twice"u8.ToArray(), second);
            Assert.False(atServer.TryTake(out _, TimeSpan.FromMilliseconds(300)));
            Assert.False(server.IsClosed);
        }
    }

    [Fact]
    public async Task DisposeSendsCloseNotifyAndThePeerReportsClosed()
    {
        var pipe = new DatagramPipe();
        var (client, server) = await ConnectAsync(pipe);
        var closed = new TaskCompletionSource<Exception?>();
        server.Closed += e => closed.TrySetResult(e);
        server.Start(_ => { });
        client.Dispose();
        var finished = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(10), TimeProvider.System));
        Assert.Same(closed.Task, finished);
        server.Dispose();
    }
}

public sealed class DtlsRecordWriterTests
{
    [Fact]
    public async Task ApplicationDataIsSealedOutsideBouncyCastleAndItsOwnRecordsNeverReuseASequenceNumber()
    {
        var pipe = new DatagramPipe();
        var fromClient = new ConcurrentQueue<byte[]>();
        pipe.Tap = (end, data) =>
        {
            if (end == pipe.A)
            {
                fromClient.Enqueue(data);
            }

            return data;
        };
        var (client, server) = await DtlsConnectionTests.ConnectAsync(pipe);
        var closed = new TaskCompletionSource<Exception?>();
        server.Closed += e => closed.TrySetResult(e);
        var atServer = new BlockingCollection<byte[]>();
        server.Start(d => atServer.Add(d.ToArray()));
        client.Start(_ => { });
        for (var i = 0; i < 5; i++)
        {
            client.Send([(byte)i, 1, 2, 3]);
            Assert.True(atServer.TryTake(out var got, TimeSpan.FromSeconds(10)));
            Assert.Equal([(byte)i, 1, 2, 3], got);
        }

        Assert.Equal(5, client.RecordsSealedHere);

        // close_notify comes from BouncyCastle, whose own counter is behind: it must go out re-sealed
        // under a fresh sequence number, and still open at the peer.
        client.Dispose();
        var finished = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(10), TimeProvider.System));
        Assert.Same(closed.Task, finished);
        server.Dispose();
        var sequences = fromClient.SelectMany(EpochOneSequences).ToList();
        Assert.True(sequences.Count >= 7, $"{sequences.Count} records of epoch 1"); // Finished, 5 data, close_notify
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
    }

    private static IEnumerable<ulong> EpochOneSequences(byte[] datagram)
    {
        var sequences = new List<ulong>();
        var offset = 0;
        while (offset + 13 <= datagram.Length)
        {
            var span = datagram.AsSpan(offset);
            if (System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(span[3..]) == 1)
            {
                sequences.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(span[3..]) & 0xFFFF_FFFF_FFFF);
            }

            offset += 13 + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(span[11..]);
        }

        return sequences;
    }
}
