using System.Net;
using System.Net.Sockets;

namespace Mesh.Transport.Stun;

/// <summary>
/// One STUN message (RFC 8489) with typed properties for the attributes ICE (RFC 8445) and TURN
/// (RFC 8656) use. Build one and <see cref="WriteTo(Span{byte}, StunIntegrity, ReadOnlySpan{byte}, bool)"/>
/// it, or <see cref="TryParse(ReadOnlySpan{byte}, out StunMessage?)"/> one from the network and check it with <see cref="CheckIntegrity"/>.
/// Attributes the codec has no property for are kept in <see cref="OtherAttributes"/> and written back.
/// </summary>
public sealed partial class StunMessage
{
    /// <summary>The length of the fixed header.</summary>
    public const int HeaderLength = 20;

    /// <summary>The magic cookie every RFC 5389/8489 message carries.</summary>
    public const uint MagicCookie = StunAddress.MagicCookie;

    /// <summary>Creates a message of the given type and transaction.</summary>
    public StunMessage(StunMessageType type, StunTransactionId transactionId)
    {
        Type = type;
        TransactionId = transactionId;
    }

    /// <summary>Method and class.</summary>
    public StunMessageType Type { get; set; }

    /// <summary>The transaction ID that pairs a response with its request.</summary>
    public StunTransactionId TransactionId { get; set; }

    /// <summary>MAPPED-ADDRESS: the reflexive address in the clear, from servers older than RFC 5389.</summary>
    public IPEndPoint? MappedAddress { get; set; }

    /// <summary>XOR-MAPPED-ADDRESS: the reflexive address the server saw.</summary>
    public IPEndPoint? XorMappedAddress { get; set; }

    /// <summary>USERNAME.</summary>
    public string? Username { get; set; }

    /// <summary>REALM (long-term credentials).</summary>
    public string? Realm { get; set; }

    /// <summary>NONCE, kept as bytes so it goes back to the server exactly as it came.</summary>
    public ReadOnlyMemory<byte>? Nonce { get; set; }

    /// <summary>SOFTWARE.</summary>
    public string? Software { get; set; }

    /// <summary>ERROR-CODE.</summary>
    public StunErrorCode? ErrorCode { get; set; }

    /// <summary>UNKNOWN-ATTRIBUTES: the types a 420 response did not understand.</summary>
    public IReadOnlyList<ushort>? UnknownAttributes { get; set; }

    /// <summary>ALTERNATE-SERVER (with a 300 response).</summary>
    public IPEndPoint? AlternateServer { get; set; }

    /// <summary>PRIORITY (ICE): the priority a peer-reflexive candidate learnt from this check would get.</summary>
    public uint? Priority { get; set; }

    /// <summary>USE-CANDIDATE (ICE): the controlling agent nominates this pair.</summary>
    public bool UseCandidate { get; set; }

    /// <summary>ICE-CONTROLLING (ICE) with the sender's tie-breaker.</summary>
    public ulong? IceControlling { get; set; }

    /// <summary>ICE-CONTROLLED (ICE) with the sender's tie-breaker.</summary>
    public ulong? IceControlled { get; set; }

    /// <summary>CHANNEL-NUMBER (TURN), 0x4000 to 0x4FFF.</summary>
    public ushort? ChannelNumber { get; set; }

    /// <summary>LIFETIME (TURN), in seconds.</summary>
    public uint? Lifetime { get; set; }

    /// <summary>XOR-PEER-ADDRESS (TURN); CreatePermission may carry several.</summary>
    public IList<IPEndPoint> XorPeerAddresses { get; } = new List<IPEndPoint>();

    /// <summary>XOR-RELAYED-ADDRESS (TURN); a dual-stack allocation has two.</summary>
    public IList<IPEndPoint> XorRelayedAddresses { get; } = new List<IPEndPoint>();

    /// <summary>DATA (TURN Send and Data indications).</summary>
    public ReadOnlyMemory<byte>? Data { get; set; }

    /// <summary>REQUESTED-TRANSPORT (TURN): the IP protocol number, 17 for UDP.</summary>
    public byte? RequestedTransport { get; set; }

    /// <summary>REQUESTED-ADDRESS-FAMILY (TURN).</summary>
    public AddressFamily? RequestedAddressFamily { get; set; }

    /// <summary>ADDITIONAL-ADDRESS-FAMILY (TURN): also allocate an IPv6 relayed address.</summary>
    public AddressFamily? AdditionalAddressFamily { get; set; }

    /// <summary>EVEN-PORT (TURN): present when set; the value is the R bit (also reserve the next port).</summary>
    public bool? EvenPort { get; set; }

    /// <summary>DONT-FRAGMENT (TURN).</summary>
    public bool DontFragment { get; set; }

    /// <summary>RESERVATION-TOKEN (TURN).</summary>
    public ulong? ReservationToken { get; set; }

    /// <summary>Attributes without a typed property, in the order they came; written after the typed ones.</summary>
    public IList<StunAttribute> OtherAttributes { get; } = new List<StunAttribute>();

    /// <summary>The comprehension-required attribute types in <see cref="OtherAttributes"/>: a request with any gets a 420.</summary>
    public IReadOnlyList<ushort> UnknownComprehensionRequired =>
        OtherAttributes.Where(attribute => attribute.IsComprehensionRequired).Select(attribute => attribute.Type).Distinct().ToArray();

    /// <summary>True when the parsed message carried MESSAGE-INTEGRITY.</summary>
    public bool HasMessageIntegrity => integrityOffset >= 0;

    /// <summary>True when the parsed message carried MESSAGE-INTEGRITY-SHA256.</summary>
    public bool HasMessageIntegritySha256 => integritySha256Offset >= 0;

    /// <summary>True when the parsed message carried a (valid) FINGERPRINT.</summary>
    public bool HasFingerprint { get; private set; }

    /// <summary>The response to a request: same method and transaction, the given class.</summary>
    public static StunMessage CreateResponse(StunMessage request, StunClass responseClass)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new StunMessage(new StunMessageType(request.Type.Method, responseClass), request.TransactionId);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type} {TransactionId}";
}
