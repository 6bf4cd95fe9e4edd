using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Transport.Turn;

/// <summary>A TURN username and password (long-term credentials, RFC 8489 section 9.2).</summary>
/// <param name="Username">The username.</param>
/// <param name="Password">The password.</param>
public sealed record TurnCredentials(string Username, string Password)
{
    /// <summary>
    /// The time-limited credentials of the TURN REST API (what coturn's <c>use-auth-secret</c> accepts and
    /// XEP-0215 servers hand out): username <c>"&lt;expiry unix time&gt;:&lt;name&gt;"</c>, password
    /// base64(HMAC-SHA1(secret, username)). The server refuses them after <paramref name="expiry"/>.
    /// </summary>
    public static TurnCredentials FromSharedSecret(string secret, string name, DateTimeOffset expiry)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(name);
        var username = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + name;
#pragma warning disable CA5350 // HMAC-SHA1 is what the TURN REST API and coturn define; not our choice.
        var password = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));
#pragma warning restore CA5350
        return new TurnCredentials(username, password);
    }

    /// <inheritdoc/>
    public override string ToString() => $"TurnCredentials {{ Username = {Username} }}";
}
