using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Mesh.Transport.Netcheck;

/// <summary>The facts <see cref="NetworkCheck"/> found, and their human and JSON forms.</summary>
/// <param name="LocalAddresses">The host's interface addresses.</param>
/// <param name="LocalEndPoint">The probing socket's local address.</param>
/// <param name="Stun">One result per STUN server.</param>
/// <param name="Turn">The TURN result, or null when no TURN server was given.</param>
public sealed record NetcheckReport(IReadOnlyList<IPAddress> LocalAddresses, IPEndPoint LocalEndPoint,
    IReadOnlyList<NetcheckStunResult> Stun, NetcheckTurnResult? Turn)
{
    /// <summary>True when any STUN server answered: UDP leaves this host and comes back.</summary>
    public bool UdpWorks => Stun.Any(result => result.MappedAddress is not null);

    /// <summary>
    /// True when STUN servers saw different mapped addresses (address- or port-dependent mapping: a
    /// symmetric NAT, where hole punching fails); false when all saw the same one; null with fewer than two answers.
    /// </summary>
    public bool? MappingVariesByDestination
    {
        get
        {
            var mapped = Stun.Where(result => result.MappedAddress is not null).Select(result => result.MappedAddress!).ToArray();
            return mapped.Length < 2 ? null : mapped.Distinct().Count() > 1;
        }
    }

    /// <summary>True when the mapped address is not one of ours (a NAT rewrites it); null when no server answered.</summary>
    public bool? BehindNat
    {
        get
        {
            var mapped = Stun.FirstOrDefault(result => result.MappedAddress is not null)?.MappedAddress;
            if (mapped is null)
            {
                return null;
            }

            var ours = mapped.Port == LocalEndPoint.Port
                && (LocalAddresses.Contains(mapped.Address) || IPAddress.IsLoopback(mapped.Address) || mapped.Address.Equals(LocalEndPoint.Address));
            return !ours;
        }
    }

    /// <summary>The public (mapped) address, when all answering servers agree on one.</summary>
    public IPEndPoint? MappedAddress =>
        MappingVariesByDestination == true ? null : Stun.FirstOrDefault(result => result.MappedAddress is not null)?.MappedAddress;

    /// <summary>A one-line verdict on direct connections.</summary>
    public string HolePunching => (UdpWorks, MappingVariesByDestination, BehindNat) switch
    {
        (false, _, _) => "impossible: no STUN server answered over UDP",
        (_, true, _) => "unlikely: the NAT maps each destination to a different port (symmetric); expect a relay",
        (_, false, false) => "not needed: no NAT between this host and the STUN servers",
        (_, false, _) => "likely: the mapping is the same for every destination (endpoint-independent)",
        (_, null, false) => "not needed: no NAT between this host and the STUN servers",
        _ => "unknown: give two STUN servers to see whether the mapping varies",
    };

    /// <summary>The human-readable report.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"Local addresses:   {(LocalAddresses.Count == 0 ? "(none)" : string.Join(", ", LocalAddresses))}");
        text.AppendLine(culture, $"Probe socket:      {LocalEndPoint}");
        text.AppendLine(culture, $"UDP:               {(UdpWorks ? "works" : "blocked (no STUN server answered)")}");
        foreach (var result in Stun)
        {
            text.AppendLine(result.MappedAddress is { } mapped
                ? string.Create(culture, $"STUN {result.Server}: mapped address {mapped} ({result.RoundTripTime!.Value.TotalMilliseconds:0.0} ms)")
                : string.Create(culture, $"STUN {result.Server}: {result.Error}"));
        }

        text.AppendLine(culture, $"Behind NAT:        {YesNo(BehindNat)}");
        text.AppendLine(culture, $"Mapping varies:    {MappingVariesByDestination switch
        {
            true => "yes (address- or port-dependent mapping)",
            false => "no (endpoint-independent mapping)",
            null => "unknown (needs answers from two STUN servers)",
        }}");
        if (MappedAddress is { } publicAddress)
        {
            text.AppendLine(culture, $"Public address:    {publicAddress}");
        }

        text.AppendLine(culture, $"Hole punching:     {HolePunching}");
        if (Turn is { } turn)
        {
            var transport = turn.Transport.ToString().ToUpperInvariant();
            text.AppendLine(turn.Succeeded
                ? string.Create(culture, $"TURN {turn.Server} ({transport}): relay allocated, relayed address {turn.RelayedAddress}")
                : string.Create(culture, $"TURN {turn.Server} ({transport}): {(turn.AuthenticationFailed ? "wrong username or password: " : "failed: ")}{turn.Error}"));
        }

        return text.ToString();
    }

    /// <summary>The report as one JSON object.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            // Output for people and scripts, never embedded in HTML: keep quotes and non-ASCII readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            json.WriteStartObject();
            json.WriteStartArray("localAddresses");
            foreach (var address in LocalAddresses)
            {
                json.WriteStringValue(address.ToString());
            }

            json.WriteEndArray();
            json.WriteString("localEndPoint", LocalEndPoint.ToString());
            json.WriteBoolean("udp", UdpWorks);
            json.WriteStartArray("stun");
            foreach (var result in Stun)
            {
                json.WriteStartObject();
                json.WriteString("server", result.Server.ToString());
                WriteNullable(json, "mappedAddress", result.MappedAddress?.ToString());
                if (result.RoundTripTime is { } rtt)
                {
                    json.WriteNumber("rttMs", Math.Round(rtt.TotalMilliseconds, 3));
                }
                else
                {
                    json.WriteNull("rttMs");
                }

                WriteNullable(json, "error", result.Error);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteNullable(json, "mappedAddress", MappedAddress?.ToString());
            WriteNullable(json, "behindNat", BehindNat);
            WriteNullable(json, "mappingVariesByDestination", MappingVariesByDestination);
            json.WriteString("holePunching", HolePunching);
            if (Turn is { } turn)
            {
                json.WriteStartObject("turn");
                json.WriteString("server", turn.Server.ToString());
                json.WriteString("transport", turn.Transport.ToString().ToUpperInvariant());
                json.WriteBoolean("ok", turn.Succeeded);
                WriteNullable(json, "relayedAddress", turn.RelayedAddress?.ToString());
                WriteNullable(json, "mappedAddress", turn.MappedAddress?.ToString());
                WriteNullable(json, "error", turn.Error);
                json.WriteBoolean("authenticationFailed", turn.AuthenticationFailed);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("turn");
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string YesNo(bool? value) => value switch
    {
        true => "yes",
        false => "no",
        null => "unknown",
    };

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, bool? value)
    {
        if (value is { } flag)
        {
            json.WriteBoolean(name, flag);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
