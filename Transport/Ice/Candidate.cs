using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace Mesh.Transport.Ice;

/// <summary>
/// One ICE candidate as both sides see it: an address to try, with its type, priority and foundation. It is
/// a plain value; the SDP form (RFC 8839 section 5.1, "candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host")
/// is what signalling carries, and Jingle's ICE-UDP elements map field by field onto it.
/// </summary>
/// <param name="Foundation">Groups candidates that a single check predicts (1 to 32 ice-chars).</param>
/// <param name="Component">The component ID; Mesh multiplexes everything on component 1.</param>
/// <param name="Transport">The transport, lower case; Mesh only checks "udp".</param>
/// <param name="Priority">The candidate's priority.</param>
/// <param name="EndPoint">The transport address.</param>
/// <param name="Type">Where the address comes from.</param>
/// <param name="RelatedEndPoint">For reflexive and relayed candidates, the base (or mapped) address they derive from.</param>
public sealed record Candidate(
    string Foundation,
    int Component,
    string Transport,
    uint Priority,
    IPEndPoint EndPoint,
    CandidateType Type,
    IPEndPoint? RelatedEndPoint = null)
{
    /// <summary>The SDP name of a candidate type: host, srflx, prflx, relay.</summary>
    public static string TypeName(CandidateType type) => type switch
    {
        CandidateType.Host => "host",
        CandidateType.ServerReflexive => "srflx",
        CandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    /// <summary>Reads an SDP candidate type name.</summary>
    public static bool TryParseTypeName(string name, out CandidateType type)
    {
        switch (name)
        {
            case "host":
                type = CandidateType.Host;
                return true;
            case "srflx":
                type = CandidateType.ServerReflexive;
                return true;
            case "prflx":
                type = CandidateType.PeerReflexive;
                return true;
            case "relay":
                type = CandidateType.Relayed;
                return true;
            default:
                type = default;
                return false;
        }
    }

    /// <summary>The attribute value without "a=": "candidate:foundation component transport priority address port typ type [raddr a rport p]".</summary>
    public string ToSdp()
    {
        var text = new StringBuilder(96);
        text.Append(CultureInfo.InvariantCulture, $"candidate:{Foundation} {Component} {Transport} {Priority} {EndPoint.Address} {EndPoint.Port} typ {TypeName(Type)}");
        if (RelatedEndPoint is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" raddr {RelatedEndPoint.Address} rport {RelatedEndPoint.Port}");
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToSdp();

    /// <summary>
    /// Parses an SDP candidate attribute, with or without the "a=" and "candidate:" prefixes. Extension
    /// attributes after the type (generation, ufrag, network-id, …) are skipped as RFC 8839 asks; a hostname
    /// address (e.g. an mDNS ".local" name) is rejected because nothing here resolves it.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Candidate? candidate)
    {
        candidate = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.StartsWith("a=", StringComparison.Ordinal))
        {
            s = s[2..];
        }

        if (s.StartsWith("candidate:", StringComparison.Ordinal))
        {
            s = s["candidate:".Length..];
        }

        var parts = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 8 || parts[6] != "typ")
        {
            return false;
        }

        if (!IsFoundation(parts[0])
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var component) || component is < 1 or > 256
            || !uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var priority) || priority == 0
            || !IPAddress.TryParse(parts[4], out var address) || !LooksLikeAddress(parts[4])
            || !TryParsePort(parts[5], out var port)
            || !TryParseTypeName(parts[7], out var type))
        {
            return false;
        }

        IPAddress? relatedAddress = null;
        var relatedPort = -1;
        for (var i = 8; i + 1 < parts.Length; i += 2)
        {
            switch (parts[i])
            {
                case "raddr":
                    if (!IPAddress.TryParse(parts[i + 1], out relatedAddress) || !LooksLikeAddress(parts[i + 1]))
                    {
                        return false;
                    }

                    break;
                case "rport":
                    if (!TryParsePort(parts[i + 1], out relatedPort))
                    {
                        return false;
                    }

                    break;
                default:
                    break;
            }
        }

        var related = relatedAddress is not null && relatedPort >= 0 ? new IPEndPoint(relatedAddress, relatedPort) : null;
        candidate = new Candidate(parts[0], component, parts[2].ToLowerInvariant(), priority, new IPEndPoint(address, port), type, related);
        return true;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    // IPAddress.TryParse accepts forms such as "1" or "0x7f.1" that SDP does not; require dotted quads or a colon.
    private static bool LooksLikeAddress(string text) => text.Contains(':', StringComparison.Ordinal) || text.Count(c => c == '.') == 3;

    private static bool IsFoundation(string text) =>
        text.Length is >= 1 and <= 32 && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/');
}
