using System.Globalization;
using System.Xml.Linq;

namespace Mesh.Signalling.Xmpp.Extensions;

/// <summary>Reads the <c>&lt;services/&gt;</c> answer of XEP-0215, in either namespace (:2, or the older :1 some servers still use).</summary>
internal static class ExternalServiceParser
{
    public static IReadOnlyList<ExternalService> Parse(XElement services)
    {
        var ns = services.Name.Namespace;
        var list = new List<ExternalService>();
        foreach (var s in services.Elements(ns + "service"))
        {
            var type = (string?)s.Attribute("type");
            var host = (string?)s.Attribute("host");
            if (type is null || host is null)
            {
                continue;
            }

            int? port = int.TryParse((string?)s.Attribute("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 ? p : null;
            DateTimeOffset? expires = DateTimeOffset.TryParse((string?)s.Attribute("expires"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var e) ? e : null;
            var restricted = (string?)s.Attribute("restricted") is "true" or "1";
            list.Add(new ExternalService(
                type,
                host,
                port,
                (string?)s.Attribute("transport"),
                (string?)s.Attribute("username"),
                (string?)s.Attribute("password"),
                expires,
                restricted,
                (string?)s.Attribute("name")));
        }

        return list;
    }
}
