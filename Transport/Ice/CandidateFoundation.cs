using System.Net;

namespace Mesh.Transport.Ice;

/// <summary>
/// Foundations (RFC 8445 section 5.1.1.3): two local candidates share one exactly when they have the same
/// type, the same base IP address, the same STUN/TURN server address and the same transport, because then
/// a check on one predicts the other (the freezing algorithm relies on that). The foundation is a short hash
/// of those four, so it is the same in every run and needs no shared counter.
/// </summary>
public static class CandidateFoundation
{
    /// <summary>The foundation of a local candidate; <paramref name="server"/> is null for host and peer-reflexive ones.</summary>
    public static string Compute(CandidateType type, IPAddress baseAddress, IPAddress? server, string transport = "udp")
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(transport);
        var hash = 2166136261u;
        hash = Mix(hash, (byte)type);
        hash = Mix(hash, baseAddress.GetAddressBytes());
        hash = Mix(hash, 0xff);
        if (server is not null)
        {
            hash = Mix(hash, server.GetAddressBytes());
        }

        hash = Mix(hash, 0xfe);
        foreach (var c in transport)
        {
            hash = Mix(hash, (byte)char.ToLowerInvariant(c));
        }

        // ice-char is ALPHA / DIGIT / "+" / "/"; a decimal number of up to 10 digits fits the 32-character limit.
        return hash.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static uint Mix(uint hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            hash = Mix(hash, b);
        }

        return hash;
    }

    private static uint Mix(uint hash, byte value) => (hash ^ value) * 16777619u;
}
