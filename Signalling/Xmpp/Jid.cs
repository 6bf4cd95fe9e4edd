using System.Diagnostics.CodeAnalysis;

namespace Mesh.Signalling.Xmpp;

/// <summary>
/// An XMPP address (RFC 7622): <c>local@domain/resource</c>, local part and resource optional. The domain
/// is lower-cased; the other parts are kept as given (full PRECIS profiles are not applied).
/// </summary>
public sealed record Jid
{
    private Jid(string? local, string domain, string? resource)
    {
        Local = local;
        Domain = domain;
        Resource = resource;
    }

    /// <summary>The part before '@', if any.</summary>
    public string? Local { get; }

    /// <summary>The server's domain.</summary>
    public string Domain { get; }

    /// <summary>The part after '/', if any: one device or session of the account.</summary>
    public string? Resource { get; }

    /// <summary>This address without its resource.</summary>
    public Jid Bare => Resource is null ? this : new Jid(Local, Domain, null);

    /// <summary>True when there is no resource.</summary>
    public bool IsBare => Resource is null;

    /// <summary>Parses a JID; throws <see cref="FormatException"/> when it is not one.</summary>
    public static Jid Parse(string text) =>
        TryParse(text, out var jid) ? jid : throw new FormatException($"'{text}' is not a valid JID");

    /// <summary>Parses a JID; false when it is not one (empty parts, too long, forbidden characters).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Jid? jid)
    {
        jid = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        string? resource = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var rest = text;
        if (slash >= 0)
        {
            resource = text[(slash + 1)..];
            rest = text[..slash];
            if (resource.Length is 0 or > 1023)
            {
                return false;
            }
        }

        string? local = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            local = rest[..at];
            rest = rest[(at + 1)..];
            if (local.Length is 0 or > 1023 || local.AsSpan().IndexOfAny("\"&'/:<>@ ") >= 0)
            {
                return false;
            }
        }

        var domain = rest.TrimEnd('.').ToLowerInvariant();
        if (domain.Length is 0 or > 1023 || domain.AsSpan().IndexOfAny("@/ ") >= 0)
        {
            return false;
        }

        jid = new Jid(local, domain, resource);
        return true;
    }

    /// <summary>This address with <paramref name="resource"/> as its resource.</summary>
    public Jid WithResource(string resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        return new Jid(Local, Domain, resource);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        (Local is null ? string.Empty : Local + "@") + Domain + (Resource is null ? string.Empty : "/" + Resource);
}
