using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Transport.Stun;

public sealed partial class StunMessage
{
    private const int Sha1Length = 20;
    private const int Sha256Length = 32;
    private const uint FingerprintXor = 0x5354554E;

    /// <summary>The exact number of bytes <see cref="WriteTo(Span{byte}, StunIntegrity, ReadOnlySpan{byte}, bool)"/> writes.</summary>
    public int GetLength(StunIntegrity integrity = StunIntegrity.None, bool fingerprint = false)
    {
        var length = HeaderLength + BodyLength();
        if ((integrity & StunIntegrity.Sha1) != 0)
        {
            length += 4 + Sha1Length;
        }

        if ((integrity & StunIntegrity.Sha256) != 0)
        {
            length += 4 + Sha256Length;
        }

        return fingerprint ? length + 8 : length;
    }

    /// <summary>Writes the message without integrity or fingerprint; returns the bytes written.</summary>
    public int WriteTo(Span<byte> destination) => WriteTo(destination, StunIntegrity.None, default, false);

    /// <summary>
    /// Writes the message, then MESSAGE-INTEGRITY and/or MESSAGE-INTEGRITY-SHA256 under <paramref name="key"/>,
    /// then FINGERPRINT when asked; returns the bytes written. Throws <see cref="ArgumentException"/> when
    /// <paramref name="destination"/> is shorter than <see cref="GetLength"/>.
    /// </summary>
    public int WriteTo(Span<byte> destination, StunIntegrity integrity, ReadOnlySpan<byte> key, bool fingerprint)
    {
        var total = GetLength(integrity, fingerprint);
        if (destination.Length < total)
        {
            throw new ArgumentException($"The message needs {total} bytes.", nameof(destination));
        }

        if (total - HeaderLength > ushort.MaxValue)
        {
            throw new InvalidOperationException("The message is longer than STUN's 16-bit length allows.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, Type.Value);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], MagicCookie);
        TransactionId.WriteTo(destination[8..]);
        var position = HeaderLength;
        WriteBody(destination, ref position);

        if ((integrity & StunIntegrity.Sha1) != 0)
        {
            // The length field covers everything up to and including the attribute being computed.
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(position - HeaderLength + 4 + Sha1Length));
            var mac = WriteHeader(destination, ref position, StunAttributeType.MessageIntegrity, Sha1Length);
            HMACSHA1.HashData(key, destination[..(position - 4)], mac);
            position += Sha1Length;
        }

        if ((integrity & StunIntegrity.Sha256) != 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(position - HeaderLength + 4 + Sha256Length));
            var mac = WriteHeader(destination, ref position, StunAttributeType.MessageIntegritySha256, Sha256Length);
            HMACSHA256.HashData(key, destination[..(position - 4)], mac);
            position += Sha256Length;
        }

        if (fingerprint)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(position - HeaderLength + 8));
            var value = WriteHeader(destination, ref position, StunAttributeType.Fingerprint, 4);
            BinaryPrimitives.WriteUInt32BigEndian(value, StunCrc32.Compute(destination[..(position - 4)]) ^ FingerprintXor);
            position += 4;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(position - HeaderLength));
        return position;
    }

    /// <summary>The message as a new array (see <see cref="WriteTo(Span{byte}, StunIntegrity, ReadOnlySpan{byte}, bool)"/>).</summary>
    public byte[] ToArray(StunIntegrity integrity = StunIntegrity.None, ReadOnlySpan<byte> key = default, bool fingerprint = false)
    {
        var bytes = new byte[GetLength(integrity, fingerprint)];
        WriteTo(bytes, integrity, key, fingerprint);
        return bytes;
    }

    private static int Padded(int length) => (length + 3) & ~3;

    private static int Attribute(int valueLength) => 4 + Padded(valueLength);

    private static int Utf8(string? value) => value is null ? 0 : Attribute(Encoding.UTF8.GetByteCount(value));

    private int BodyLength()
    {
        var length = Utf8(Software) + Utf8(Username) + Utf8(Realm);
        length += Nonce is { } nonce ? Attribute(nonce.Length) : 0;
        length += MappedAddress is { } mapped ? Attribute(StunAddress.Length(mapped)) : 0;
        length += XorMappedAddress is { } xorMapped ? Attribute(StunAddress.Length(xorMapped)) : 0;
        length += AlternateServer is { } alternate ? Attribute(StunAddress.Length(alternate)) : 0;
        length += ErrorCode is { } error ? Attribute(4 + Encoding.UTF8.GetByteCount(error.Reason)) : 0;
        length += UnknownAttributes is { } unknown ? Attribute(2 * unknown.Count) : 0;
        length += Priority.HasValue ? 8 : 0;
        length += UseCandidate ? 4 : 0;
        length += IceControlling.HasValue ? 12 : 0;
        length += IceControlled.HasValue ? 12 : 0;
        length += ChannelNumber.HasValue ? 8 : 0;
        length += Lifetime.HasValue ? 8 : 0;
        length += XorPeerAddresses.Sum(peer => Attribute(StunAddress.Length(peer)));
        length += XorRelayedAddresses.Sum(relayed => Attribute(StunAddress.Length(relayed)));
        length += RequestedTransport.HasValue ? 8 : 0;
        length += RequestedAddressFamily.HasValue ? 8 : 0;
        length += AdditionalAddressFamily.HasValue ? 8 : 0;
        length += EvenPort.HasValue ? 8 : 0;
        length += DontFragment ? 4 : 0;
        length += ReservationToken.HasValue ? 12 : 0;
        length += Data is { } data ? Attribute(data.Length) : 0;
        length += OtherAttributes.Sum(other => Attribute(other.Value.Length));
        return length;
    }

    private void WriteBody(Span<byte> destination, ref int position)
    {
        // SOFTWARE first: RFC 5769's sample responses put it there, so our bytes line up with theirs.
        WriteString(destination, ref position, StunAttributeType.Software, Software);
        WriteAddress(destination, ref position, StunAttributeType.MappedAddress, MappedAddress, xor: false);
        WriteAddress(destination, ref position, StunAttributeType.XorMappedAddress, XorMappedAddress, xor: true);
        WriteString(destination, ref position, StunAttributeType.Username, Username);
        WriteString(destination, ref position, StunAttributeType.Realm, Realm);
        if (Nonce is { } nonce)
        {
            WriteBytes(destination, ref position, StunAttributeType.Nonce, nonce.Span);
        }

        if (ErrorCode is { } error)
        {
            var reasonLength = Encoding.UTF8.GetByteCount(error.Reason);
            var value = WriteHeader(destination, ref position, StunAttributeType.ErrorCode, 4 + reasonLength);
            value[0] = 0;
            value[1] = 0;
            value[2] = (byte)((error.Code / 100) & 0x7);
            value[3] = (byte)(error.Code % 100);
            Encoding.UTF8.GetBytes(error.Reason, value[4..]);
            position += Padded(4 + reasonLength);
        }

        if (UnknownAttributes is { } unknown)
        {
            var value = WriteHeader(destination, ref position, StunAttributeType.UnknownAttributes, 2 * unknown.Count);
            for (var i = 0; i < unknown.Count; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(value[(2 * i)..], unknown[i]);
            }

            position += Padded(2 * unknown.Count);
        }

        WriteAddress(destination, ref position, StunAttributeType.AlternateServer, AlternateServer, xor: false);
        if (Priority is { } priority)
        {
            BinaryPrimitives.WriteUInt32BigEndian(WriteHeader(destination, ref position, StunAttributeType.Priority, 4), priority);
            position += 4;
        }

        if (UseCandidate)
        {
            WriteHeader(destination, ref position, StunAttributeType.UseCandidate, 0);
        }

        if (IceControlling is { } controlling)
        {
            BinaryPrimitives.WriteUInt64BigEndian(WriteHeader(destination, ref position, StunAttributeType.IceControlling, 8), controlling);
            position += 8;
        }

        if (IceControlled is { } controlled)
        {
            BinaryPrimitives.WriteUInt64BigEndian(WriteHeader(destination, ref position, StunAttributeType.IceControlled, 8), controlled);
            position += 8;
        }

        if (ChannelNumber is { } channel)
        {
            var value = WriteHeader(destination, ref position, StunAttributeType.ChannelNumber, 4);
            BinaryPrimitives.WriteUInt16BigEndian(value, channel);
            BinaryPrimitives.WriteUInt16BigEndian(value[2..], 0);
            position += 4;
        }

        if (Lifetime is { } lifetime)
        {
            BinaryPrimitives.WriteUInt32BigEndian(WriteHeader(destination, ref position, StunAttributeType.Lifetime, 4), lifetime);
            position += 4;
        }

        foreach (var peer in XorPeerAddresses)
        {
            WriteAddress(destination, ref position, StunAttributeType.XorPeerAddress, peer, xor: true);
        }

        foreach (var relayed in XorRelayedAddresses)
        {
            WriteAddress(destination, ref position, StunAttributeType.XorRelayedAddress, relayed, xor: true);
        }

        if (RequestedTransport is { } transport)
        {
            var value = WriteHeader(destination, ref position, StunAttributeType.RequestedTransport, 4);
            value[0] = transport;
            value[1..4].Clear();
            position += 4;
        }

        WriteFamily(destination, ref position, StunAttributeType.RequestedAddressFamily, RequestedAddressFamily);
        WriteFamily(destination, ref position, StunAttributeType.AdditionalAddressFamily, AdditionalAddressFamily);
        if (EvenPort is { } reserveNext)
        {
            var value = WriteHeader(destination, ref position, StunAttributeType.EvenPort, 1);
            value[0] = reserveNext ? (byte)0x80 : (byte)0;
            value[1..4].Clear();
            position += 4;
        }

        if (DontFragment)
        {
            WriteHeader(destination, ref position, StunAttributeType.DontFragment, 0);
        }

        if (ReservationToken is { } token)
        {
            BinaryPrimitives.WriteUInt64BigEndian(WriteHeader(destination, ref position, StunAttributeType.ReservationToken, 8), token);
            position += 8;
        }

        if (Data is { } data)
        {
            WriteBytes(destination, ref position, StunAttributeType.Data, data.Span);
        }

        foreach (var other in OtherAttributes)
        {
            WriteBytes(destination, ref position, (StunAttributeType)other.Type, other.Value.Span);
        }
    }

    /// <summary>Writes an attribute header, returns the value's span (padded to 4) and advances past the header.</summary>
    private static Span<byte> WriteHeader(Span<byte> destination, ref int position, StunAttributeType type, int valueLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination[position..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(position + 2)..], (ushort)valueLength);
        position += 4;
        var value = destination.Slice(position, Padded(valueLength));
        value[valueLength..].Clear();
        return value;
    }

    private static void WriteBytes(Span<byte> destination, ref int position, StunAttributeType type, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(WriteHeader(destination, ref position, type, bytes.Length));
        position += Padded(bytes.Length);
    }

    private static void WriteString(Span<byte> destination, ref int position, StunAttributeType type, string? text)
    {
        if (text is null)
        {
            return;
        }

        var length = Encoding.UTF8.GetByteCount(text);
        Encoding.UTF8.GetBytes(text, WriteHeader(destination, ref position, type, length));
        position += Padded(length);
    }

    private void WriteAddress(Span<byte> destination, ref int position, StunAttributeType type, IPEndPoint? endPoint, bool xor)
    {
        if (endPoint is null)
        {
            return;
        }

        var length = StunAddress.Length(endPoint);
        StunAddress.Write(WriteHeader(destination, ref position, type, length), endPoint, xor, TransactionId);
        position += length;
    }

    private static void WriteFamily(Span<byte> destination, ref int position, StunAttributeType type, AddressFamily? family)
    {
        if (family is not { } value)
        {
            return;
        }

        var bytes = WriteHeader(destination, ref position, type, 4);
        bytes[0] = value == AddressFamily.InterNetworkV6 ? (byte)0x02 : (byte)0x01;
        bytes[1..4].Clear();
        position += 4;
    }
}
