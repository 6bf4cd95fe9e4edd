using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Transport.Stun;

public sealed partial class StunMessage
{
    // Set only on parsed messages that carry integrity: a copy of the bytes, so the check can run after
    // the receive buffer is gone, and where each integrity attribute starts.
    private byte[]? raw;
    private int integrityOffset = -1;
    private int integritySha256Offset = -1;

    /// <summary>
    /// True when <paramref name="data"/> starts like a STUN message: top two bits zero, the magic cookie,
    /// a length that is a multiple of 4. Cheap, for telling STUN apart from DTLS, RTP or ChannelData.
    /// </summary>
    public static bool IsStun(ReadOnlySpan<byte> data) =>
        data.Length >= HeaderLength
        && (data[0] & 0xC0) == 0
        && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == MagicCookie
        && (BinaryPrimitives.ReadUInt16BigEndian(data[2..]) & 3) == 0;

    /// <summary>The whole message's length from its header (for stream framing); false if the header is not STUN.</summary>
    public static bool TryGetMessageLength(ReadOnlySpan<byte> header, out int length)
    {
        length = 0;
        if (!IsStun(header))
        {
            return false;
        }

        length = HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        return true;
    }

    /// <summary>Parses one message, or throws <see cref="StunFormatException"/> (and nothing else) when the bytes are not one.</summary>
    public static StunMessage Parse(ReadOnlySpan<byte> data) =>
        TryParse(data, out var message, out var reason) ? message : throw new StunFormatException(reason);

    /// <summary>Parses one message that fills <paramref name="data"/> exactly; false for anything that is not a valid one.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out StunMessage? message) =>
        TryParse(data, out message, out _);

    private static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out StunMessage? message, out string reason)
    {
        message = null;
        if (!IsStun(data))
        {
            reason = "not a STUN header";
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (data.Length != HeaderLength + length)
        {
            reason = $"length field {length} does not match the {data.Length - HeaderLength} bytes after the header";
            return false;
        }

        StunMessageType.TryDecode(BinaryPrimitives.ReadUInt16BigEndian(data), out var type);
        var result = new StunMessage(type, StunTransactionId.Read(data[8..]));
        var position = HeaderLength;
        var afterIntegrity = false;
        while (position < data.Length)
        {
            if (data.Length - position < 4)
            {
                reason = "truncated attribute header";
                return false;
            }

            var attributeType = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            var valueStart = position + 4;
            if (Padded(valueLength) > data.Length - valueStart)
            {
                reason = $"attribute 0x{attributeType:x4} runs past the message";
                return false;
            }

            var value = data.Slice(valueStart, valueLength);
            if (result.HasFingerprint)
            {
                reason = "attribute after FINGERPRINT";
                return false;
            }

            switch ((StunAttributeType)attributeType)
            {
                case StunAttributeType.MessageIntegrity:
                    if (!afterIntegrity)
                    {
                        if (valueLength != Sha1Length)
                        {
                            reason = "MESSAGE-INTEGRITY is not 20 bytes";
                            return false;
                        }

                        result.integrityOffset = position;
                        afterIntegrity = true;
                    }

                    break;
                case StunAttributeType.MessageIntegritySha256:
                    if (result.integritySha256Offset < 0)
                    {
                        if (valueLength is < 16 or > Sha256Length || valueLength % 4 != 0)
                        {
                            reason = "MESSAGE-INTEGRITY-SHA256 has a bad length";
                            return false;
                        }

                        result.integritySha256Offset = position;
                        afterIntegrity = true;
                    }

                    break;
                case StunAttributeType.Fingerprint:
                    if (valueLength != 4)
                    {
                        reason = "FINGERPRINT is not 4 bytes";
                        return false;
                    }

                    if (valueStart + 4 != data.Length)
                    {
                        reason = "FINGERPRINT is not the last attribute";
                        return false;
                    }

                    if ((StunCrc32.Compute(data[..position]) ^ FingerprintXor) != BinaryPrimitives.ReadUInt32BigEndian(value))
                    {
                        reason = "FINGERPRINT does not match";
                        return false;
                    }

                    result.HasFingerprint = true;
                    break;
                default:
                    // RFC 8489 section 14: only integrity attributes and FINGERPRINT may follow
                    // MESSAGE-INTEGRITY; anything else there is not covered by it and is ignored.
                    if (!afterIntegrity && !result.ReadAttribute(attributeType, value, out reason))
                    {
                        return false;
                    }

                    break;
            }

            position = valueStart + Padded(valueLength);
        }

        if (afterIntegrity)
        {
            result.raw = data.ToArray();
        }

        message = result;
        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// Checks the parsed message's integrity under <paramref name="key"/>: MESSAGE-INTEGRITY-SHA256 when
    /// present, else MESSAGE-INTEGRITY. False when it has neither or the check fails. Constant-time.
    /// </summary>
    public bool CheckIntegrity(ReadOnlySpan<byte> key)
    {
        if (raw is null)
        {
            return false;
        }

        return integritySha256Offset >= 0
            ? CheckMac(raw, integritySha256Offset, key, sha256: true)
            : integrityOffset >= 0 && CheckMac(raw, integrityOffset, key, sha256: false);
    }

    private static bool CheckMac(byte[] message, int offset, ReadOnlySpan<byte> key, bool sha256)
    {
        var macLength = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset + 2));
        var copy = ArrayPool<byte>.Shared.Rent(offset);
        try
        {
            var covered = copy.AsSpan(0, offset);
            message.AsSpan(0, offset).CopyTo(covered);
            BinaryPrimitives.WriteUInt16BigEndian(covered[2..], (ushort)(offset - HeaderLength + 4 + macLength));
            Span<byte> mac = stackalloc byte[Sha256Length];
            if (sha256)
            {
                HMACSHA256.HashData(key, covered, mac);
            }
            else
            {
                HMACSHA1.HashData(key, covered, mac);
            }

            return CryptographicOperations.FixedTimeEquals(mac[..macLength], message.AsSpan(offset + 4, macLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private bool ReadAttribute(ushort attributeType, ReadOnlySpan<byte> value, out string reason)
    {
        reason = string.Empty;
        var type = (StunAttributeType)attributeType;
        switch (type)
        {
            case StunAttributeType.MappedAddress:
                return MappedAddress is not null || ReadAddress(value, false, type, out reason, address => MappedAddress = address);
            case StunAttributeType.XorMappedAddress:
                return XorMappedAddress is not null || ReadAddress(value, true, type, out reason, address => XorMappedAddress = address);
            case StunAttributeType.AlternateServer:
                return AlternateServer is not null || ReadAddress(value, false, type, out reason, address => AlternateServer = address);
            case StunAttributeType.XorPeerAddress:
                return ReadAddress(value, true, type, out reason, XorPeerAddresses.Add);
            case StunAttributeType.XorRelayedAddress:
                return ReadAddress(value, true, type, out reason, XorRelayedAddresses.Add);
            case StunAttributeType.Username:
                Username ??= Encoding.UTF8.GetString(value);
                return true;
            case StunAttributeType.Realm:
                Realm ??= Encoding.UTF8.GetString(value);
                return true;
            case StunAttributeType.Software:
                Software ??= Encoding.UTF8.GetString(value);
                return true;
            case StunAttributeType.Nonce:
                Nonce ??= value.ToArray();
                return true;
            case StunAttributeType.Data:
                Data ??= value.ToArray();
                return true;
            case StunAttributeType.ErrorCode:
                if (value.Length < 4 || value[3] > 99)
                {
                    reason = "malformed ERROR-CODE";
                    return false;
                }

                // coturn counts the padding NULs of the reason phrase in the attribute length: they are not text.
                ErrorCode ??= new StunErrorCode(((value[2] & 0x7) * 100) + value[3], Encoding.UTF8.GetString(value[4..]).TrimEnd('\0'));
                return true;
            case StunAttributeType.UnknownAttributes:
                if (value.Length % 2 != 0)
                {
                    reason = "malformed UNKNOWN-ATTRIBUTES";
                    return false;
                }

                if (UnknownAttributes is null)
                {
                    var types = new ushort[value.Length / 2];
                    for (var i = 0; i < types.Length; i++)
                    {
                        types[i] = BinaryPrimitives.ReadUInt16BigEndian(value[(2 * i)..]);
                    }

                    UnknownAttributes = types;
                }

                return true;
            case StunAttributeType.Priority:
                if (!Fixed(value, 4, type, out reason))
                {
                    return false;
                }

                Priority ??= BinaryPrimitives.ReadUInt32BigEndian(value);
                return true;
            case StunAttributeType.UseCandidate:
                UseCandidate = true;
                return Fixed(value, 0, type, out reason);
            case StunAttributeType.IceControlling:
                if (!Fixed(value, 8, type, out reason))
                {
                    return false;
                }

                IceControlling ??= BinaryPrimitives.ReadUInt64BigEndian(value);
                return true;
            case StunAttributeType.IceControlled:
                if (!Fixed(value, 8, type, out reason))
                {
                    return false;
                }

                IceControlled ??= BinaryPrimitives.ReadUInt64BigEndian(value);
                return true;
            case StunAttributeType.ChannelNumber:
                if (!Fixed(value, 4, type, out reason))
                {
                    return false;
                }

                ChannelNumber ??= BinaryPrimitives.ReadUInt16BigEndian(value);
                return true;
            case StunAttributeType.Lifetime:
                if (!Fixed(value, 4, type, out reason))
                {
                    return false;
                }

                Lifetime ??= BinaryPrimitives.ReadUInt32BigEndian(value);
                return true;
            case StunAttributeType.RequestedTransport:
                if (!Fixed(value, 4, type, out reason))
                {
                    return false;
                }

                RequestedTransport ??= value[0];
                return true;
            case StunAttributeType.RequestedAddressFamily:
                return ReadFamily(value, type, out reason, family => RequestedAddressFamily ??= family);
            case StunAttributeType.AdditionalAddressFamily:
                return ReadFamily(value, type, out reason, family => AdditionalAddressFamily ??= family);
            case StunAttributeType.EvenPort:
                if (!Fixed(value, 1, type, out reason))
                {
                    return false;
                }

                EvenPort ??= (value[0] & 0x80) != 0;
                return true;
            case StunAttributeType.DontFragment:
                DontFragment = true;
                return Fixed(value, 0, type, out reason);
            case StunAttributeType.ReservationToken:
                if (!Fixed(value, 8, type, out reason))
                {
                    return false;
                }

                ReservationToken ??= BinaryPrimitives.ReadUInt64BigEndian(value);
                return true;
            default:
                OtherAttributes.Add(new StunAttribute(attributeType, value.ToArray()));
                return true;
        }
    }

    private delegate void ValueSetter<in T>(T value);

    private static bool Fixed(ReadOnlySpan<byte> value, int expected, StunAttributeType type, out string reason)
    {
        reason = value.Length == expected ? string.Empty : $"{type} must be {expected} bytes, not {value.Length}";
        return value.Length == expected;
    }

    private bool ReadAddress(ReadOnlySpan<byte> value, bool xor, StunAttributeType type, out string reason, ValueSetter<IPEndPoint> assign)
    {
        if (!StunAddress.TryRead(value, xor, TransactionId, out var endPoint))
        {
            reason = $"malformed {type}";
            return false;
        }

        assign(endPoint);
        reason = string.Empty;
        return true;
    }

    private static bool ReadFamily(ReadOnlySpan<byte> value, StunAttributeType type, out string reason, ValueSetter<AddressFamily> assign)
    {
        if (value.Length != 4 || value[0] is not (0x01 or 0x02))
        {
            reason = $"malformed {type}";
            return false;
        }

        assign(value[0] == 0x01 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6);
        reason = string.Empty;
        return true;
    }
}
