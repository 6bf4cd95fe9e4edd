using System.Net;
using Mesh.Transport.Stun;

namespace Mesh.Transport.Tests.Stun;

/// <summary>
/// Bounded mutation fuzzing: whatever the bytes, parsing returns false or a message and never throws
/// anything else; what it accepts writes back and parses again to the same thing.
/// </summary>
public sealed class StunMessageFuzzTests
{
    private const int Iterations = 20_000;

    [Fact]
    public void Mutated_messages_never_make_the_parser_throw()
    {
        var random = new Random(8489);
        var seeds = Seeds().ToArray();
        var accepted = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var input = Mutate(seeds[random.Next(seeds.Length)], random);
            if (StunMessage.TryParse(input, out var message))
            {
                accepted++;
                _ = message.CheckIntegrity(new byte[] { 1, 2, 3 });
                var again = StunMessage.Parse(message.ToArray(fingerprint: true));
                Assert.Equal(message.Type, again.Type);
                Assert.Equal(message.XorMappedAddress, again.XorMappedAddress);
                Assert.Equal(message.Username, again.Username);
            }

            try
            {
                StunMessage.Parse(input);
            }
            catch (StunFormatException)
            {
            }
        }

        // The mutations must leave some messages valid, or this test checks only the rejection path.
        Assert.InRange(accepted, 1, Iterations - 1);
    }

    [Fact]
    public void Random_bytes_with_a_stun_header_never_make_the_parser_throw()
    {
        var random = new Random(5389);
        for (var i = 0; i < Iterations; i++)
        {
            var body = new byte[random.Next(0, 64) * 4];
            random.NextBytes(body);
            var input = new byte[20 + body.Length];
            input[0] = (byte)random.Next(0, 4);
            input[1] = (byte)random.Next(256);
            input[2] = (byte)(body.Length >> 8);
            input[3] = (byte)body.Length;
            input[4] = 0x21;
            input[5] = 0x12;
            input[6] = 0xa4;
            input[7] = 0x42;
            body.CopyTo(input, 20);
            _ = StunMessage.TryParse(input, out _);
        }
    }

    private static IEnumerable<byte[]> Seeds()
    {
        yield return Rfc5769Vectors.SampleRequest;
        yield return Rfc5769Vectors.SampleIPv4Response;
        yield return Rfc5769Vectors.SampleIPv6Response;
        yield return Rfc5769Vectors.SampleLongTermRequest;
        var allocate = new StunMessage(new StunMessageType(StunMethod.Allocate, StunClass.SuccessResponse), StunTransactionId.New(new Random(1)))
        {
            Lifetime = 600,
            XorMappedAddress = new IPEndPoint(IPAddress.Loopback, 5000),
            ErrorCode = new StunErrorCode(401, "Unauthorized"),
            ChannelNumber = 0x4000,
            Data = new byte[] { 1, 2, 3 },
        };
        allocate.XorRelayedAddresses.Add(new IPEndPoint(IPAddress.IPv6Loopback, 6000));
        yield return allocate.ToArray();
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        switch (random.Next(5))
        {
            case 0:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes[random.Next(20, bytes.Length)] = (byte)random.Next(256);
                break;
            case 2:
                return bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
            case 3:
                // Grow or shrink an attribute length field, the classic out-of-bounds trigger.
                var at = 20 + (random.Next((bytes.Length - 20) / 4) * 4);
                bytes[Math.Min(at + 3, bytes.Length - 1)] = (byte)random.Next(256);
                break;
            default:
                break;
        }

        return bytes;
    }
}
