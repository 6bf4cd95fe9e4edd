using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Mesh.TestSupport;

namespace Mesh.Integration.Harness;

/// <summary>
/// Proves the test command really started coturn: a hand-built STUN Binding request over a raw UDP
/// socket, answered with a success response whose XOR-MAPPED-ADDRESS is our own socket's address.
/// </summary>
public sealed class CoturnHarnessTests
{
    private const uint MagicCookie = 0x2112A442;

    [SkippableFact]
    public async Task Coturn_answers_a_stun_binding_request_with_our_mapped_address()
    {
        var turn = TestServers.RequireTurn();
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)socket.Client.LocalEndPoint!;
        var server = new IPEndPoint(IPAddress.Parse(turn.Host), turn.Port);

        var transactionId = RandomNumberGenerator.GetBytes(12);
        var request = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(request, 0x0001); // Binding request
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(2), 0); // no attributes
        BinaryPrimitives.WriteUInt32BigEndian(request.AsSpan(4), MagicCookie);
        transactionId.CopyTo(request, 8);

        UdpReceiveResult reply = default;
        var answered = false;
        for (var attempt = 0; attempt < 5 && !answered; attempt++)
        {
            await socket.SendAsync(request, server);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                reply = await socket.ReceiveAsync(wait.Token);
                answered = true;
            }
            catch (OperationCanceledException)
            {
                // UDP may drop even on loopback under load: retransmit, as a STUN client does.
            }
        }

        Assert.True(answered, $"coturn at {server} did not answer 5 binding requests");
        var response = reply.Buffer;
        Assert.True(response.Length >= 20, "response shorter than a STUN header");
        Assert.Equal(0x0101, BinaryPrimitives.ReadUInt16BigEndian(response)); // Binding success response
        Assert.Equal(MagicCookie, BinaryPrimitives.ReadUInt32BigEndian(response.AsSpan(4)));
        Assert.Equal(transactionId, response.AsSpan(8, 12).ToArray());

        var mapped = FindXorMappedAddress(response);
        Assert.NotNull(mapped);
        Assert.Equal(local.Port, mapped!.Port);
        Assert.Equal(IPAddress.Loopback, mapped.Address);
    }

    private static IPEndPoint? FindXorMappedAddress(byte[] message)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2));
        var offset = 20;
        var end = Math.Min(message.Length, 20 + length);
        while (offset + 4 <= end)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset));
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset + 2));
            var value = message.AsSpan(offset + 4, Math.Min(valueLength, end - offset - 4));
            if (type == 0x0020 && value.Length >= 8 && value[1] == 0x01)
            {
                var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(MagicCookie >> 16);
                var address = BinaryPrimitives.ReadUInt32BigEndian(value[4..]) ^ MagicCookie;
                return new IPEndPoint(new IPAddress(BitConverter.IsLittleEndian
                    ? BinaryPrimitives.ReverseEndianness(address)
                    : address), port);
            }

            offset += 4 + ((valueLength + 3) & ~3);
        }

        return null;
    }
}
