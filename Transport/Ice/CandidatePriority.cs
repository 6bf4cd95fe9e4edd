using System.Net;
using System.Net.Sockets;

namespace Mesh.Transport.Ice;

/// <summary>
/// The priority formulas of RFC 8445: a candidate's priority from its type, a local preference and its
/// component (section 5.1.2.1), and a pair's priority from the two candidates' priorities (section 6.1.2.3).
/// </summary>
public static class CandidatePriority
{
    /// <summary>The type preference RFC 8445 recommends: host 126, peer-reflexive 110, server-reflexive 100, relayed 0.</summary>
    public static int TypePreference(CandidateType type) => type switch
    {
        CandidateType.Host => 126,
        CandidateType.PeerReflexive => 110,
        CandidateType.ServerReflexive => 100,
        _ => 0,
    };

    /// <summary>priority = 2^24 * type preference + 2^8 * local preference + (256 - component).</summary>
    public static uint Compute(CandidateType type, int localPreference, int component)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(localPreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPreference, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(component, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(component, 256);
        return (uint)((TypePreference(type) << 24) + (localPreference << 8) + (256 - component));
    }

    /// <summary>
    /// The local preference of an address: IPv6 before IPv4 (RFC 8421 prefers IPv6 on a dual-stack host) and,
    /// within a family, interfaces in the order the host lists them, so every address gets a distinct value.
    /// Link-local and other non-global-looking addresses go last in their family.
    /// </summary>
    public static int LocalPreference(IPAddress address, int interfaceIndex)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(interfaceIndex);
        var familyBase = address.AddressFamily == AddressFamily.InterNetworkV6 ? 65535 : 32767;
        var penalty = address.IsIPv6LinkLocal || address.IsIPv6SiteLocal ? 8192 : 0;
        return Math.Max(0, familyBase - penalty - Math.Min(interfaceIndex, 8191));
    }

    /// <summary>
    /// The pair priority: 2^32 * min(G, D) + 2 * max(G, D) + (G &gt; D ? 1 : 0), where G is the controlling
    /// agent's candidate priority and D the controlled agent's.
    /// </summary>
    public static ulong Pair(uint controlling, uint controlled) =>
        ((ulong)Math.Min(controlling, controlled) << 32) + (2UL * Math.Max(controlling, controlled)) + (controlling > controlled ? 1UL : 0UL);
}
