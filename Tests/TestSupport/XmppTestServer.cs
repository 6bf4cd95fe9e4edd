namespace Mesh.TestSupport;

/// <summary>An XMPP server started by the test harness on loopback.</summary>
/// <param name="Host">Address to connect to (loopback).</param>
/// <param name="Port">Client port offering STARTTLS.</param>
/// <param name="DirectTlsPort">Client port speaking TLS from the first byte (XEP-0368), when the server has one.</param>
/// <param name="Domain">The virtual host, e.g. <c>mesh.test</c>.</param>
/// <param name="CaFile">PEM file of the CA that signed the server's certificate.</param>
/// <param name="Accounts">Test accounts (local part and password), at least two.</param>
/// <param name="Proxy65Jid">JID of the SOCKS5 bytestream proxy component, when there is one.</param>
/// <param name="Proxy65Port">Port of that proxy's streamhost.</param>
/// <param name="RestartCommand">A shell command that stops and starts the server again, for resilience tests.</param>
public sealed record XmppTestServer(
    string Host,
    int Port,
    int? DirectTlsPort,
    string Domain,
    string CaFile,
    IReadOnlyList<TestAccount> Accounts,
    string? Proxy65Jid,
    int? Proxy65Port,
    string? RestartCommand)
{
    /// <summary>The bare JID of account <paramref name="index"/>.</summary>
    public string Jid(int index) => $"{Accounts[index].User}@{Domain}";
}
