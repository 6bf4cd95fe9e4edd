using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Mesh.Transport.Certificates;

namespace Mesh.Transport.Sdp;

/// <summary>
/// The data-channel subset of an SDP session description that browsers exchange (RFC 8866 syntax, RFC
/// 8841 for SCTP over DTLS, RFC 8839 for ICE, RFC 8122 for fingerprints): one
/// <c>m=application … UDP/DTLS/SCTP webrtc-datachannel</c> section with ICE credentials, the DTLS
/// fingerprint and setup role, the SCTP port, <c>max-message-size</c> and candidates. Candidates stay as
/// attribute text (without <c>a=</c>); the ICE layer parses them. Jingle (XEP-0343, XEP-0320, XEP-0176)
/// maps onto the same fields.
/// </summary>
public sealed record DataChannelDescription
{
    /// <summary>The session id of the <c>o=</c> line.</summary>
    public ulong SessionId { get; init; }

    /// <summary>The ICE username fragment.</summary>
    public required string IceUfrag { get; init; }

    /// <summary>The ICE password.</summary>
    public required string IcePwd { get; init; }

    /// <summary>The SHA-256 fingerprint of the sender's DTLS certificate.</summary>
    public required CertificateFingerprint Fingerprint { get; init; }

    /// <summary>The sender's <c>a=setup</c>.</summary>
    public SdpSetup Setup { get; init; } = SdpSetup.ActPass;

    /// <summary>The media section's <c>a=mid</c>, also named in <c>a=group:BUNDLE</c>.</summary>
    public string Mid { get; init; } = "0";

    /// <summary>The SCTP port (<c>a=sctp-port</c>).</summary>
    public ushort SctpPort { get; init; } = 5000;

    /// <summary>The largest message the sender accepts (<c>a=max-message-size</c>); null when absent, which means 64 KiB; 0 means no limit.</summary>
    public long? MaxMessageSize { get; init; }

    /// <summary>Candidate attributes, e.g. <c>candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host</c>.</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];

    /// <summary>True if the description says <c>a=end-of-candidates</c>.</summary>
    public bool EndOfCandidates { get; init; }

    /// <summary>The message size this side may send to the sender of this description (RFC 8841 section 6.1).</summary>
    public long EffectiveMaxMessageSize => MaxMessageSize switch
    {
        null => 64 * 1024,
        0 => int.MaxValue,
        { } value => value,
    };

    /// <summary>Writes the description as SDP text with CRLF line ends.</summary>
    public override string ToString()
    {
        var sdp = new StringBuilder();
        void Line(string text) => sdp.Append(text).Append("\r\n");
        Line("v=0");
        Line(string.Create(CultureInfo.InvariantCulture, $"o=- {SessionId} 2 IN IP4 127.0.0.1"));
        Line("s=-");
        Line("t=0 0");
        Line("a=group:BUNDLE " + Mid);
        Line("a=msid-semantic: WMS");
        Line("m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
        Line("c=IN IP4 0.0.0.0");
        foreach (var candidate in Candidates)
        {
            Line("a=" + candidate);
        }

        if (EndOfCandidates)
        {
            Line("a=end-of-candidates");
        }

        Line("a=ice-ufrag:" + IceUfrag);
        Line("a=ice-pwd:" + IcePwd);
        Line("a=fingerprint:" + CertificateFingerprint.Algorithm + " " + Fingerprint);
        Line("a=setup:" + SdpRoles.ToToken(Setup));
        Line("a=mid:" + Mid);
        Line(string.Create(CultureInfo.InvariantCulture, $"a=sctp-port:{SctpPort}"));
        if (MaxMessageSize is { } max)
        {
            Line(string.Create(CultureInfo.InvariantCulture, $"a=max-message-size:{max}"));
        }

        return sdp.ToString();
    }

    /// <summary>
    /// Parses SDP text. Session-level ICE and fingerprint attributes apply unless the data-channel section
    /// overrides them; other media sections are skipped. False, with a one-line reason, if the text has no
    /// usable data-channel section or a required attribute is missing or malformed.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DataChannelDescription? description, out string error)
    {
        description = null;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty description";
            return false;
        }

        string? ufrag = null, pwd = null, fingerprint = null, setup = null, mid = null;
        ulong sessionId = 0;
        ushort sctpPort = 5000;
        long? maxMessageSize = null;
        var candidates = new List<string>();
        var endOfCandidates = false;
        var section = Section.Session;
        var sawApplication = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length < 2 || line[1] != '=')
            {
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'o' when section == Section.Session:
                    var fields = value.Split(' ');
                    if (fields.Length > 1)
                    {
                        _ = ulong.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out sessionId);
                    }

                    continue;
                case 'm':
                    var usable = !sawApplication && value.StartsWith("application ", StringComparison.Ordinal)
                        && value.Contains("DTLS/SCTP", StringComparison.Ordinal) && value.EndsWith(" webrtc-datachannel", StringComparison.Ordinal);
                    section = usable ? Section.DataChannel : Section.Other;
                    sawApplication |= usable;
                    if (usable && value.Split(' ')[1] == "0")
                    {
                        error = "the data-channel section is rejected (port 0)";
                        return false;
                    }

                    continue;
                case 'a' when section != Section.Other:
                    break;
                default:
                    continue;
            }

            var colon = value.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? value : value[..colon];
            var argument = colon < 0 ? string.Empty : value[(colon + 1)..];
            switch (name)
            {
                case "ice-ufrag":
                    ufrag = argument;
                    break;
                case "ice-pwd":
                    pwd = argument;
                    break;
                case "fingerprint":
                    var parts = argument.Split(' ', 2);
                    if (parts.Length == 2 && parts[0].Equals(CertificateFingerprint.Algorithm, StringComparison.OrdinalIgnoreCase))
                    {
                        fingerprint = parts[1].Trim();
                    }

                    break;
                case "setup":
                    setup = argument;
                    break;
                case "mid" when section == Section.DataChannel:
                    mid = argument;
                    break;
                case "sctp-port" when section == Section.DataChannel:
                    if (!ushort.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out sctpPort))
                    {
                        error = "malformed a=sctp-port";
                        return false;
                    }

                    break;
                case "max-message-size" when section == Section.DataChannel:
                    if (!long.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var max))
                    {
                        error = "malformed a=max-message-size";
                        return false;
                    }

                    maxMessageSize = max;
                    break;
                case "candidate" when section == Section.DataChannel:
                    candidates.Add(value);
                    break;
                case "end-of-candidates":
                    endOfCandidates = true;
                    break;
            }
        }

        if (!sawApplication)
        {
            error = "no m=application … UDP/DTLS/SCTP webrtc-datachannel section";
            return false;
        }

        if (ufrag is null || pwd is null)
        {
            error = "a=ice-ufrag or a=ice-pwd is missing";
            return false;
        }

        if (!CertificateFingerprint.TryParse(fingerprint, out var parsedFingerprint))
        {
            error = "a=fingerprint:sha-256 is missing or malformed";
            return false;
        }

        var parsedSetup = SdpSetup.ActPass;
        if (setup is not null && !SdpRoles.TryParse(setup, out parsedSetup))
        {
            error = "unsupported a=setup:" + setup;
            return false;
        }

        description = new DataChannelDescription
        {
            SessionId = sessionId,
            IceUfrag = ufrag,
            IcePwd = pwd,
            Fingerprint = parsedFingerprint,
            Setup = parsedSetup,
            Mid = mid ?? "0",
            SctpPort = sctpPort,
            MaxMessageSize = maxMessageSize,
            Candidates = candidates,
            EndOfCandidates = endOfCandidates,
        };
        return true;
    }

    private enum Section
    {
        Session,
        DataChannel,
        Other,
    }
}
