using Mesh.Transport.Dtls;

namespace Mesh.Transport.Sdp;

/// <summary>How <c>a=setup</c> values decide the DTLS roles (RFC 8842 section 5).</summary>
public static class SdpRoles
{
    /// <summary>The SDP token of a setup value.</summary>
    public static string ToToken(SdpSetup setup) => setup switch
    {
        SdpSetup.Active => "active",
        SdpSetup.Passive => "passive",
        _ => "actpass",
    };

    /// <summary>Reads an SDP setup token; <c>holdconn</c> and unknown tokens are refused.</summary>
    public static bool TryParse(string token, out SdpSetup setup)
    {
        switch (token)
        {
            case "actpass":
                setup = SdpSetup.ActPass;
                return true;
            case "active":
                setup = SdpSetup.Active;
                return true;
            case "passive":
                setup = SdpSetup.Passive;
                return true;
            default:
                setup = default;
                return false;
        }
    }

    /// <summary>The setup an answerer puts in its answer to an offer with <paramref name="offered"/>: active when it may choose, as browsers do.</summary>
    public static SdpSetup Answer(SdpSetup offered) => offered == SdpSetup.Active ? SdpSetup.Passive : SdpSetup.Active;

    /// <summary>
    /// This side's DTLS role from its own setup value and the peer's; throws <see cref="FormatException"/>
    /// if the pair does not decide (both actpass, both active, both passive).
    /// </summary>
    public static DtlsRole LocalRole(SdpSetup local, SdpSetup remote) => (local, remote) switch
    {
        (SdpSetup.Active, SdpSetup.Passive or SdpSetup.ActPass) => DtlsRole.Client,
        (SdpSetup.Passive, SdpSetup.Active or SdpSetup.ActPass) => DtlsRole.Server,
        (SdpSetup.ActPass, SdpSetup.Active) => DtlsRole.Server,
        (SdpSetup.ActPass, SdpSetup.Passive) => DtlsRole.Client,
        _ => throw new FormatException($"a=setup:{ToToken(local)} against a=setup:{ToToken(remote)} does not decide the DTLS roles."),
    };
}
