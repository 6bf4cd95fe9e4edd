using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Signalling.Xmpp.Sasl;

/// <summary>
/// The client side of SCRAM (RFC 5802; SHA-256 per RFC 7677), with optional channel binding (the PLUS
/// variants). One instance runs one exchange: <see cref="ClientFirst"/>, then
/// <see cref="ClientFinal"/> with the server's challenge, then <see cref="VerifyServerFinal"/>, which
/// proves the server knew the password too.
/// </summary>
internal sealed class ScramClient
{
    /// <summary>Fewer iterations than this make the stored key cheap to brute-force; RFC 7677 asks for at least 4096.</summary>
    internal const int MinIterations = 4096;

    /// <summary>A hostile server must not make us burn minutes of CPU.</summary>
    internal const int MaxIterations = 1_000_000;

    private readonly HashAlgorithmName _hash;
    private readonly string _user;
    private readonly string _password;
    private readonly string _clientNonce;
    private readonly string _gs2Header;
    private readonly byte[] _channelBindingData;
    private string? _clientFirstBare;
    private byte[]? _expectedServerSignature;

    /// <summary>
    /// Prepares an exchange. <paramref name="gs2Flag"/> is "n" (no channel binding), "y" (we could bind but
    /// the server did not offer it) or "p=TYPE" (binding with <paramref name="channelBindingData"/>).
    /// </summary>
    public ScramClient(HashAlgorithmName hash, string user, string password, string clientNonce, string gs2Flag, byte[]? channelBindingData)
    {
        if (hash != HashAlgorithmName.SHA1 && hash != HashAlgorithmName.SHA256)
        {
            throw new ArgumentException("SCRAM is implemented for SHA-1 and SHA-256 only", nameof(hash));
        }

        if (gs2Flag.StartsWith("p=", StringComparison.Ordinal) != (channelBindingData is not null))
        {
            throw new ArgumentException("channel binding data goes with a p= flag and only with it", nameof(channelBindingData));
        }

        _hash = hash;
        _user = user;
        _password = password;
        _clientNonce = clientNonce;
        _gs2Header = gs2Flag + ",,";
        _channelBindingData = channelBindingData ?? [];
    }

    /// <summary>Makes a client nonce: 24 random bytes, base64 (printable and free of commas).</summary>
    public static string NewNonce(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var bytes = new byte[24];
        random.NextBytes(bytes);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The client-first-message.</summary>
    public byte[] ClientFirst()
    {
        _clientFirstBare = "n=" + EscapeName(_user) + ",r=" + _clientNonce;
        return Encoding.UTF8.GetBytes(_gs2Header + _clientFirstBare);
    }

    /// <summary>The client-final-message for the server-first-message <paramref name="serverFirst"/>.</summary>
    public byte[] ClientFinal(ReadOnlySpan<byte> serverFirst)
    {
        if (_clientFirstBare is null)
        {
            throw new InvalidOperationException("ClientFirst comes first");
        }

        var serverFirstText = Decode(serverFirst);
        var fields = ParseFields(serverFirstText);
        if (fields.ContainsKey('m'))
        {
            throw Fail("the server requires a SCRAM extension we do not support");
        }

        var nonce = Field(fields, 'r');
        if (!nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length)
        {
            throw Fail("the server's nonce does not extend ours");
        }

        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(Field(fields, 's'));
        }
        catch (FormatException e)
        {
            throw new XmppException(XmppErrorKind.Protocol, "SCRAM: the salt is not base64", e);
        }

        if (!int.TryParse(Field(fields, 'i'), NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < MinIterations || iterations > MaxIterations)
        {
            throw Fail($"iteration count outside {MinIterations}..{MaxIterations}");
        }

        var cbind = Convert.ToBase64String([.. Encoding.UTF8.GetBytes(_gs2Header), .. _channelBindingData]);
        var withoutProof = "c=" + cbind + ",r=" + nonce;
        var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + serverFirstText + "," + withoutProof);

        var hashLength = _hash == HashAlgorithmName.SHA1 ? 20 : 32;
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_password), salt, iterations, _hash, hashLength);
        var clientKey = Hmac(salted, "Client Key"u8);
        var storedKey = _hash == HashAlgorithmName.SHA1 ? SHA1.HashData(clientKey) : SHA256.HashData(clientKey);
        var clientSignature = Hmac(storedKey, authMessage);
        var proof = new byte[hashLength];
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        }

        _expectedServerSignature = Hmac(Hmac(salted, "Server Key"u8), authMessage);
        CryptographicOperations.ZeroMemory(salted);
        return Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(proof));
    }

    /// <summary>Checks the server-final-message; throws when the server did not prove it knows the password.</summary>
    public void VerifyServerFinal(ReadOnlySpan<byte> serverFinal)
    {
        if (_expectedServerSignature is null)
        {
            throw new InvalidOperationException("ClientFinal comes first");
        }

        var fields = ParseFields(Decode(serverFinal));
        if (fields.TryGetValue('e', out var error))
        {
            throw new XmppException(XmppErrorKind.Authentication, "SCRAM: the server reported " + error);
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(Field(fields, 'v'));
        }
        catch (FormatException e)
        {
            throw new XmppException(XmppErrorKind.Protocol, "SCRAM: the server signature is not base64", e);
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
        {
            throw new XmppException(XmppErrorKind.Authentication, "SCRAM: the server's signature is wrong; it does not know the password (or a man in the middle changed the exchange)");
        }
    }

    private byte[] Hmac(byte[] key, ReadOnlySpan<byte> data) =>
        _hash == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);

    private static string EscapeName(string name) =>
        name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    private static string Decode(ReadOnlySpan<byte> data)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(data);
        }
        catch (DecoderFallbackException e)
        {
            throw new XmppException(XmppErrorKind.Protocol, "SCRAM: the server message is not UTF-8", e);
        }
    }

    private static Dictionary<char, string> ParseFields(string message)
    {
        var fields = new Dictionary<char, string>();
        foreach (var part in message.Split(','))
        {
            if (part.Length < 2 || part[1] != '=')
            {
                throw Fail("malformed server message");
            }

            fields.TryAdd(part[0], part[2..]);
        }

        return fields;
    }

    private static string Field(Dictionary<char, string> fields, char name) =>
        fields.TryGetValue(name, out var value) ? value : throw Fail($"the server message lacks '{name}='");

    private static XmppException Fail(string reason) => new(XmppErrorKind.Protocol, "SCRAM: " + reason);
}
