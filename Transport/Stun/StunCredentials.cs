using System.Security.Cryptography;
using System.Text;

namespace Mesh.Transport.Stun;

/// <summary>
/// The keys for MESSAGE-INTEGRITY (RFC 8489 section 9). Passwords are used as given: the SASLprep /
/// OpaqueString step is the identity for the ASCII passwords ICE and TURN REST-API credentials use.
/// </summary>
public static class StunCredentials
{
    /// <summary>The short-term key (ICE): the password's UTF-8 bytes.</summary>
    public static byte[] ShortTermKey(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return Encoding.UTF8.GetBytes(password);
    }

    /// <summary>The long-term key (TURN): MD5(username ":" realm ":" password).</summary>
    public static byte[] LongTermKey(string username, string realm, string password)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(password);
#pragma warning disable CA5351 // MD5 is what RFC 8489 specifies for the long-term key; not our choice.
        return MD5.HashData(Encoding.UTF8.GetBytes(username + ":" + realm + ":" + password));
#pragma warning restore CA5351
    }

    /// <summary>The long-term key with PASSWORD-ALGORITHM SHA-256: SHA-256(username ":" realm ":" password).</summary>
    public static byte[] LongTermKeySha256(string username, string realm, string password)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(password);
        return SHA256.HashData(Encoding.UTF8.GetBytes(username + ":" + realm + ":" + password));
    }
}
