namespace Mesh.Signalling.Xmpp.Extensions;

/// <summary>
/// One STUN or TURN server from external service discovery (XEP-0215), with its temporary credentials
/// when the server hands them out. Credentials are secrets: never log or print them.
/// </summary>
public sealed record ExternalService(
    string Type,
    string Host,
    int? Port,
    string? Transport,
    string? Username,
    string? Password,
    DateTimeOffset? Expires,
    bool Restricted,
    string? Name)
{
    /// <summary>A form without the credentials, safe to log or print.</summary>
    public override string ToString() =>
        $"{Type} {Host}{(Port is null ? string.Empty : ":" + Port)}{(Transport is null ? string.Empty : " " + Transport)}{(Username is null ? string.Empty : " (with credentials)")}";
}
