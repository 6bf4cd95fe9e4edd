using System.Net;

namespace Mesh.Transport.Stun;

/// <summary>
/// Answers STUN Binding requests (RFC 8489 section 6.3) with the requester's address in
/// XOR-MAPPED-ADDRESS: what a STUN server does, and what each ICE agent does for its peer's checks.
/// With a <see cref="ShortTermKey"/>, requests must carry a matching MESSAGE-INTEGRITY (ICE), and the
/// response is protected with the same key. Stateless; safe to call from any thread.
/// </summary>
public sealed class StunBindingResponder
{
    /// <summary>SOFTWARE to put in responses, or null for none.</summary>
    public string? Software { get; init; }

    /// <summary>The short-term key requests must be protected with, or null to answer anyone (a plain STUN server).</summary>
    public ReadOnlyMemory<byte>? ShortTermKey { get; init; }

    /// <summary>
    /// Handles a datagram: when it is a Binding request, sends the response through <paramref name="send"/>
    /// and returns the parsed request; otherwise returns null and sends nothing (or an error response for a
    /// malformed or unauthenticated Binding request).
    /// </summary>
    public StunMessage? OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote, StunDatagramSender send)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(send);
        if (!StunMessage.TryParse(datagram, out var request) || request.Type != StunMessageType.BindingRequest)
        {
            return null;
        }

        StunMessage response;
        var key = ShortTermKey;
        if (request.UnknownComprehensionRequired is { Count: > 0 } unknown)
        {
            response = Error(request, StunErrorCode.UnknownAttribute, "Unknown Attribute");
            response.UnknownAttributes = unknown;
        }
        else if (key is { } required && !request.HasMessageIntegrity && !request.HasMessageIntegritySha256)
        {
            response = Error(request, StunErrorCode.BadRequest, "Missing MESSAGE-INTEGRITY");
            key = null;
        }
        else if (key is { } k && !request.CheckIntegrity(k.Span))
        {
            response = Error(request, StunErrorCode.Unauthenticated, "Unauthenticated");
            key = null;
        }
        else
        {
            response = StunMessage.CreateResponse(request, StunClass.SuccessResponse);
            response.XorMappedAddress = remote;
        }

        response.Software = Software;
        Span<byte> buffer = stackalloc byte[512];
        var integrity = key is null ? StunIntegrity.None : StunIntegrity.Sha1;
        var length = response.GetLength(integrity, fingerprint: true);
        var target = length <= buffer.Length ? buffer : new byte[length];
        var written = response.WriteTo(target, integrity, key is { } used ? used.Span : default, fingerprint: true);
        send(target[..written], remote);
        return request;
    }

    private static StunMessage Error(StunMessage request, int code, string reason) =>
        new(request.Type.ErrorResponse, request.TransactionId) { ErrorCode = new StunErrorCode(code, reason) };
}
