namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>One place to try to reach the server: host, port, and whether TLS starts at once (XEP-0368) or via STARTTLS.</summary>
public sealed record ConnectionTarget(string Host, int Port, bool DirectTls)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Host}:{Port} ({(DirectTls ? "direct TLS" : "STARTTLS")})";
}
