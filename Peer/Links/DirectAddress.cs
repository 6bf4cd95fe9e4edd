using System.Globalization;
using System.Net;

namespace Mesh.Peer.Links;

/// <summary>Writes addresses the way status and errors show them: <c>tcp://host:port</c>.</summary>
internal static class DirectAddress
{
    /// <summary><c>tcp://host:port</c>, with an IPv6 literal in brackets.</summary>
    public static string Format(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"tcp://[{host}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"tcp://{host}:{port}");

    /// <summary><c>tcp://ip:port</c> of an endpoint.</summary>
    public static string Format(IPEndPoint endPoint) => Format(endPoint.Address.ToString(), endPoint.Port);
}
