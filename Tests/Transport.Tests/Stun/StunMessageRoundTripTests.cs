using System.Net;
using System.Net.Sockets;
using Mesh.Transport.Stun;

namespace Mesh.Transport.Tests.Stun;

public sealed class StunMessageRoundTripTests
{
    private static readonly byte[] Key = StunCredentials.LongTermKey("1700000000:mesh", "mesh.test", "secret");

    [Fact]
    public void Every_typed_attribute_survives_a_write_and_parse()
    {
        var random = new Random(5);
        var message = new StunMessage(new StunMessageType(StunMethod.Allocate, StunClass.ErrorResponse), StunTransactionId.New(random))
        {
            MappedAddress = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 1234),
            XorMappedAddress = new IPEndPoint(IPAddress.Parse("2001:db8::7"), 65535),
            Username = "ünïcode:user",
            Realm = "mesh.test",
            Nonce = new byte[] { 0x6e, 0x6f, 0x6e, 0xff, 0x00 },
            Software = "mesh",
            ErrorCode = new StunErrorCode(438, "Stale Nonce"),
            UnknownAttributes = new ushort[] { 0x0031, 0x0032, 0x0033 },
            AlternateServer = new IPEndPoint(IPAddress.Parse("198.51.100.1"), 3478),
            Priority = 0x6e0001ff,
            UseCandidate = true,
            IceControlling = 0x0102030405060708,
            IceControlled = ulong.MaxValue,
            ChannelNumber = 0x4001,
            Lifetime = 600,
            Data = new byte[] { 1, 2, 3, 4, 5 },
            RequestedTransport = 17,
            RequestedAddressFamily = AddressFamily.InterNetworkV6,
            AdditionalAddressFamily = AddressFamily.InterNetworkV6,
            EvenPort = true,
            DontFragment = true,
            ReservationToken = 0xdeadbeefcafef00d,
        };
        message.XorPeerAddresses.Add(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 5000));
        message.XorPeerAddresses.Add(new IPEndPoint(IPAddress.Parse("fd00::1"), 5001));
        message.XorRelayedAddresses.Add(new IPEndPoint(IPAddress.Parse("192.0.2.44"), 49152));
        message.OtherAttributes.Add(new StunAttribute(0x802B, new byte[] { 0, 1, 0, 80, 127, 0, 0, 1 }));

        var bytes = message.ToArray(StunIntegrity.Sha1 | StunIntegrity.Sha256, Key, fingerprint: true);
        Assert.Equal(message.GetLength(StunIntegrity.Sha1 | StunIntegrity.Sha256, true), bytes.Length);
        var parsed = StunMessage.Parse(bytes);

        Assert.Equal(message.Type, parsed.Type);
        Assert.Equal(message.TransactionId, parsed.TransactionId);
        Assert.Equal(message.MappedAddress, parsed.MappedAddress);
        Assert.Equal(message.XorMappedAddress, parsed.XorMappedAddress);
        Assert.Equal(message.Username, parsed.Username);
        Assert.Equal(message.Realm, parsed.Realm);
        Assert.Equal(message.Nonce!.Value.ToArray(), parsed.Nonce!.Value.ToArray());
        Assert.Equal(message.Software, parsed.Software);
        Assert.Equal(message.ErrorCode, parsed.ErrorCode);
        Assert.Equal(message.UnknownAttributes, parsed.UnknownAttributes);
        Assert.Equal(message.AlternateServer, parsed.AlternateServer);
        Assert.Equal(message.Priority, parsed.Priority);
        Assert.True(parsed.UseCandidate);
        Assert.Equal(message.IceControlling, parsed.IceControlling);
        Assert.Equal(message.IceControlled, parsed.IceControlled);
        Assert.Equal(message.ChannelNumber, parsed.ChannelNumber);
        Assert.Equal(message.Lifetime, parsed.Lifetime);
        Assert.Equal(message.Data!.Value.ToArray(), parsed.Data!.Value.ToArray());
        Assert.Equal(message.RequestedTransport, parsed.RequestedTransport);
        Assert.Equal(message.RequestedAddressFamily, parsed.RequestedAddressFamily);
        Assert.Equal(message.AdditionalAddressFamily, parsed.AdditionalAddressFamily);
        Assert.Equal(message.EvenPort, parsed.EvenPort);
        Assert.True(parsed.DontFragment);
        Assert.Equal(message.ReservationToken, parsed.ReservationToken);
        Assert.Equal(message.XorPeerAddresses, parsed.XorPeerAddresses);
        Assert.Equal(message.XorRelayedAddresses, parsed.XorRelayedAddresses);
        Assert.Single(parsed.OtherAttributes);
        Assert.Empty(parsed.UnknownComprehensionRequired);
        Assert.True(parsed.HasMessageIntegrity);
        Assert.True(parsed.HasMessageIntegritySha256);
        Assert.True(parsed.HasFingerprint);
        Assert.True(parsed.CheckIntegrity(Key));
        Assert.False(parsed.CheckIntegrity(StunCredentials.LongTermKey("1700000000:mesh", "mesh.test", "wrong")));
    }

    [Fact]
    public void Padding_nuls_a_server_counts_in_the_reason_phrase_are_not_part_of_it()
    {
        // coturn sends "Invalid allocation" with its two padding NULs inside the ERROR-CODE length.
        var sent = new StunMessage(new StunMessageType(StunMethod.Refresh, StunClass.ErrorResponse), StunTransactionId.New(new Random(2)))
        {
            ErrorCode = new StunErrorCode(437, "Invalid allocation\0\0"),
        };

        var parsed = StunMessage.Parse(sent.ToArray());

        Assert.Equal(new StunErrorCode(437, "Invalid allocation"), parsed.ErrorCode);
    }

    [Fact]
    public void Sha1_integrity_alone_checks_and_a_message_without_integrity_never_does()
    {
        var message = new StunMessage(StunMessageType.BindingRequest, StunTransactionId.New(new Random(1))) { Username = "a:b" };

        Assert.True(StunMessage.Parse(message.ToArray(StunIntegrity.Sha1, Key)).CheckIntegrity(Key));
        Assert.False(StunMessage.Parse(message.ToArray()).CheckIntegrity(Key));
    }

    [Fact]
    public void Attributes_after_message_integrity_are_ignored()
    {
        var message = new StunMessage(StunMessageType.BindingRequest, StunTransactionId.New(new Random(2))) { Username = "a:b" };
        var signed = message.ToArray(StunIntegrity.Sha1, Key);
        // Append a PRIORITY after MESSAGE-INTEGRITY, fixing up the length: an attacker could do this.
        var tampered = new byte[signed.Length + 8];
        signed.CopyTo(tampered, 0);
        tampered[signed.Length + 1] = 0x24;
        tampered[signed.Length + 3] = 4;
        tampered[3] = (byte)(tampered.Length - 20);

        var parsed = StunMessage.Parse(tampered);
        Assert.Null(parsed.Priority);
        Assert.True(parsed.CheckIntegrity(Key));
    }

    [Fact]
    public void Unknown_comprehension_required_attributes_are_reported_for_a_420()
    {
        var message = new StunMessage(StunMessageType.BindingRequest, StunTransactionId.New(new Random(3)));
        message.OtherAttributes.Add(new StunAttribute(0x0031, new byte[] { 9 }));
        message.OtherAttributes.Add(new StunAttribute(0xC001, new byte[] { 9 }));

        var parsed = StunMessage.Parse(message.ToArray());
        Assert.Equal(new ushort[] { 0x0031 }, parsed.UnknownComprehensionRequired);
        Assert.Equal(new byte[] { 9 }, parsed.OtherAttributes[0].Value.ToArray());
    }

    [Fact]
    public void Ipv4_mapped_ipv6_addresses_are_written_as_ipv4()
    {
        var message = new StunMessage(StunMessageType.BindingSuccess, StunTransactionId.New(new Random(4)))
        {
            XorMappedAddress = new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.9"), 7),
        };

        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.9"), 7), StunMessage.Parse(message.ToArray()).XorMappedAddress);
    }

    [Fact]
    public void Writing_into_a_short_buffer_is_refused_before_anything_is_written()
    {
        var message = new StunMessage(StunMessageType.BindingRequest, StunTransactionId.New(new Random(5))) { Username = "abc" };
        var buffer = new byte[message.GetLength() - 1];

        Assert.Throws<ArgumentException>(() => message.WriteTo(buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Message_length_is_read_from_the_header_for_stream_framing()
    {
        var bytes = Rfc5769Vectors.SampleRequest;
        Assert.True(StunMessage.TryGetMessageLength(bytes.AsSpan(0, 20), out var length));
        Assert.Equal(bytes.Length, length);
        Assert.False(StunMessage.TryGetMessageLength(new byte[] { 0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, out _));
    }
}
