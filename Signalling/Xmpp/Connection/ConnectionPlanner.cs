using Microsoft.Extensions.Logging;

namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>
/// Decides where to connect, in order: an explicit host:port when configured; otherwise the SRV records
/// of <c>_xmpps-client._tcp</c> (direct TLS, XEP-0368) and <c>_xmpp-client._tcp</c> (STARTTLS),
/// merged and ordered by priority with weighted random choice inside a priority (RFC 2782); and when
/// DNS has neither, the domain itself on 5222 (RFC 6120 section 3.2.2).
/// </summary>
internal static class ConnectionPlanner
{
    public const int DefaultPort = 5222;

    public static async Task<IReadOnlyList<ConnectionTarget>> PlanAsync(
        string domain, string? host, int? port, bool directTls, ISrvResolver resolver, Random random, ILogger logger, CancellationToken cancellationToken)
    {
        if (host is not null)
        {
            return [new ConnectionTarget(host, port ?? DefaultPort, directTls)];
        }

        var tls = await LookupAsync($"_xmpps-client._tcp.{domain}", resolver, logger, cancellationToken).ConfigureAwait(false);
        var plain = await LookupAsync($"_xmpp-client._tcp.{domain}", resolver, logger, cancellationToken).ConfigureAwait(false);
        return Order(domain, port, tls, plain, random);
    }

    /// <summary>The selection logic on its own, for tests: records of both services into one ordered list.</summary>
    public static IReadOnlyList<ConnectionTarget> Order(string domain, int? port, IReadOnlyList<SrvRecord> directTls, IReadOnlyList<SrvRecord> startTls, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);

        // A single record with target "." means the service is decidedly not offered (RFC 2782).
        var tlsUsable = directTls.Where(r => r.Target is not ("" or ".")).Select(r => (Record: r, DirectTls: true));
        var plainUsable = startTls.Where(r => r.Target is not ("" or ".")).Select(r => (Record: r, DirectTls: false));
        var all = tlsUsable.Concat(plainUsable).ToList();
        if (all.Count == 0)
        {
            var refused = (directTls.Count > 0 || startTls.Count > 0) ? "DNS says the XMPP service is not offered" : null;
            return refused is null ? [new ConnectionTarget(domain, port ?? DefaultPort, false)] : [];
        }

        var ordered = new List<ConnectionTarget>(all.Count);
        foreach (var group in all.GroupBy(x => x.Record.Priority).OrderBy(g => g.Key))
        {
            var pool = group.ToList();
            while (pool.Count > 0)
            {
                // RFC 2782: pick with probability proportional to weight; zero-weight records get a small chance.
                var total = pool.Sum(x => x.Record.Weight + 1);
                var pick = random.Next(total);
                var index = 0;
                for (; index < pool.Count - 1; index++)
                {
                    pick -= pool[index].Record.Weight + 1;
                    if (pick < 0)
                    {
                        break;
                    }
                }

                var chosen = pool[index];
                pool.RemoveAt(index);
                ordered.Add(new ConnectionTarget(chosen.Record.Target, chosen.Record.Port, chosen.DirectTls));
            }
        }

        return ordered;
    }

    private static async Task<IReadOnlyList<SrvRecord>> LookupAsync(string name, ISrvResolver resolver, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await resolver.ResolveAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failing resolver is the same as no records: the fallback to the domain still applies.
            logger.LogInformation("SRV lookup of {Name} failed: {Reason}", name, e.Message);
            return [];
        }
    }
}
