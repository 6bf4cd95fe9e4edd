using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Mesh.Signalling.Xmpp.Extensions;

/// <summary>
/// The verification string of entity capabilities (XEP-0115 section 5.1): identities, features and
/// extended forms in a canonical order, hashed with SHA-1 and base64-encoded. Used to announce our own
/// features in presence, and to check that what another entity's disco#info answers matches the hash it
/// announced before we cache it (section 5.4), so a forged announcement cannot poison the cache.
/// </summary>
public static class EntityCapabilities
{
    private static readonly XNamespace DataForms = "jabber:x:data";

    /// <summary>The ver string of <paramref name="info"/>; null when the XEP says the info must be rejected (duplicates, malformed forms).</summary>
    public static string? ComputeVer(DiscoInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var s = new StringBuilder();
        var identities = info.Identities
            .Select(i => $"{i.Category}/{i.Type}/{i.Lang}/{i.Name}")
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (identities.Distinct(StringComparer.Ordinal).Count() != identities.Length)
        {
            return null;
        }

        foreach (var identity in identities)
        {
            s.Append(identity).Append('<');
        }

        foreach (var feature in info.Features.Order(StringComparer.Ordinal))
        {
            s.Append(feature).Append('<');
        }

        var forms = new List<(string FormType, XElement Form)>();
        foreach (var form in info.Forms)
        {
            var formTypes = form.Elements(DataForms + "field").Where(f => (string?)f.Attribute("var") == "FORM_TYPE").ToArray();
            if (formTypes.Length == 0)
            {
                // Forms without FORM_TYPE are ignored by the algorithm.
                continue;
            }

            if (formTypes.Length > 1 || (string?)formTypes[0].Attribute("type") is { } t && t != "hidden" || formTypes[0].Elements(DataForms + "value").Count() != 1)
            {
                return null;
            }

            forms.Add(((string)formTypes[0].Element(DataForms + "value")!, form));
        }

        if (forms.Select(f => f.FormType).Distinct(StringComparer.Ordinal).Count() != forms.Count)
        {
            return null;
        }

        foreach (var (formType, form) in forms.OrderBy(f => f.FormType, StringComparer.Ordinal))
        {
            s.Append(formType).Append('<');
            var fields = form.Elements(DataForms + "field")
                .Where(f => (string?)f.Attribute("var") is { } v && v != "FORM_TYPE")
                .OrderBy(f => (string)f.Attribute("var")!, StringComparer.Ordinal);
            foreach (var field in fields)
            {
                s.Append((string)field.Attribute("var")!).Append('<');
                foreach (var value in field.Elements(DataForms + "value").Select(v => v.Value).Order(StringComparer.Ordinal))
                {
                    s.Append(value).Append('<');
                }
            }
        }

        return Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(s.ToString())));
    }
}
