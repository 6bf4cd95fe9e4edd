using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Mesh.Peer.Config;

/// <summary>A <c>tcp://HOST:PORT</c> address, as peers and the listener are configured (IPv6 hosts in brackets).</summary>
/// <param name="Host">Host name or IP literal, without brackets.</param>
/// <param name="Port">TCP port; 0 only makes sense for a listener (any free port).</param>
internal sealed record TcpAddress(string Host, int Port)
{
    private const string Scheme = "tcp://";

    /// <summary>Parses <c>tcp://HOST:PORT</c>; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out TcpAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text) || !text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' is not an address of the form tcp://HOST:PORT";
            return false;
        }

        var rest = text[Scheme.Length..].TrimEnd('/');
        string host;
        string port;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
            {
                error = $"'{text}': an IPv6 address is written tcp://[ADDRESS]:PORT";
                return false;
            }

            host = rest[1..close];
            port = rest[(close + 2)..];
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            if (colon <= 0 || rest.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"'{text}' has no port (tcp://HOST:PORT)";
                return false;
            }

            host = rest[..colon];
            port = rest[(colon + 1)..];
        }

        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
        {
            error = $"'{text}' has no valid host";
            return false;
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65535)
        {
            error = $"'{text}' has no valid port (0-65535)";
            return false;
        }

        address = new TcpAddress(host, number);
        error = null;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static TcpAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    /// <summary>Formats an endpoint the listener bound to.</summary>
    public static TcpAddress FromEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return new TcpAddress(endPoint.Address.ToString(), endPoint.Port);
    }

    /// <summary>The host as an IP address when it is a literal.</summary>
    public IPAddress? IpAddress => IPAddress.TryParse(Host, out var ip) ? ip : null;

    /// <inheritdoc />
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{Scheme}[{Host}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{Scheme}{Host}:{Port}");
}
