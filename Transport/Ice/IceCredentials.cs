namespace Mesh.Transport.Ice;

/// <summary>
/// An agent's ICE username fragment and password (RFC 8445 section 5.3): the fragment names the session in
/// USERNAME, the password keys MESSAGE-INTEGRITY of the checks the peer sends us.
/// </summary>
/// <param name="Ufrag">The username fragment, at least 4 ice-chars.</param>
/// <param name="Password">The password, at least 22 ice-chars.</param>
public sealed record IceCredentials(string Ufrag, string Password)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Fresh credentials: 8 characters of fragment (48 bits) and 24 of password (144 bits, above the RFC's 128).</summary>
    public static IceCredentials Generate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new IceCredentials(RandomString(random, 8), RandomString(random, 24));
    }

    /// <summary>Whether both parts have legal length and characters.</summary>
    public bool IsValid =>
        Ufrag.Length is >= 4 and <= 256 && Password.Length is >= 22 and <= 256
        && Ufrag.All(IceChars.Contains) && Password.All(IceChars.Contains);

    private static string RandomString(Random random, int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = IceChars[random.Next(IceChars.Length)];
        }

        return new string(chars);
    }
}
