using System.Globalization;
using Xunit;

namespace Mesh.TestSupport;

/// <summary>
/// The real servers that the test command (<c>test.sh</c>) started for this run, read from the
/// <c>MESH_TEST_*</c> environment variables it exports. A test asks for the server it needs; when the
/// harness did not start one, the test is skipped, except under <c>CI=true</c>, where a missing server
/// is an error rather than a silent skip.
/// </summary>
public static class TestServers
{
    /// <summary>The XMPP server (Prosody) with its test accounts; skips or fails the test when absent.</summary>
    public static XmppTestServer RequireXmpp() => RequireXmpp("XMPP");

    /// <summary>
    /// An XMPP server by the prefix of its variables: <c>XMPP</c> for Prosody, <c>EJABBERD</c> for ejabberd.
    /// </summary>
    public static XmppTestServer RequireXmpp(string prefix)
    {
        var host = Require($"MESH_TEST_{prefix}_HOST");
        return new XmppTestServer(
            Host: host,
            Port: RequirePort($"MESH_TEST_{prefix}_PORT"),
            DirectTlsPort: OptionalPort($"MESH_TEST_{prefix}_TLS_PORT"),
            Domain: Require($"MESH_TEST_{prefix}_DOMAIN"),
            CaFile: Require($"MESH_TEST_{prefix}_CA_FILE"),
            Accounts: ParseAccounts(Require($"MESH_TEST_{prefix}_ACCOUNTS")),
            Proxy65Jid: Environment.GetEnvironmentVariable($"MESH_TEST_{prefix}_PROXY65_JID"),
            Proxy65Port: OptionalPort($"MESH_TEST_{prefix}_PROXY65_PORT"),
            RestartCommand: Environment.GetEnvironmentVariable($"MESH_TEST_{prefix}_RESTART"));
    }

    /// <summary>The TURN/STUN server (coturn) with its REST-API shared secret; skips or fails when absent.</summary>
    public static TurnTestServer RequireTurn() => new(
        Host: Require("MESH_TEST_TURN_HOST"),
        Port: RequirePort("MESH_TEST_TURN_PORT"),
        Secret: Require("MESH_TEST_TURN_SECRET"),
        Realm: Require("MESH_TEST_TURN_REALM"));

    /// <summary>True when the run is CI's, where every server must be present.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string Require(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        var message = $"{name} is not set: run the tests through ./test.sh, which starts the servers they need.";
        if (IsCi)
        {
            throw new InvalidOperationException(message);
        }

        Skip.If(true, message);
        throw new InvalidOperationException(message);
    }

    private static int RequirePort(string name) => ParsePort(name, Require(name));

    private static int? OptionalPort(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : ParsePort(name, value);
    }

    private static int ParsePort(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new InvalidOperationException($"{name}={value} is not a port number.");

    private static IReadOnlyList<TestAccount> ParseAccounts(string value) =>
        value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split(':', 2))
            .Select(parts => parts.Length == 2
                ? new TestAccount(parts[0], parts[1])
                : throw new InvalidOperationException($"account '{parts[0]}' has no password"))
            .ToArray();
}
