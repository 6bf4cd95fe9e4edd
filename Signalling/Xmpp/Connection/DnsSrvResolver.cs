using DnsClient;
using DnsSrv = DnsClient.Protocol.SrvRecord;

namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>SRV lookups through the system's configured DNS servers, with DnsClient.</summary>
internal sealed class DnsSrvResolver : ISrvResolver
{
    private readonly LookupClient _client = new(new LookupClientOptions { UseCache = true, Timeout = TimeSpan.FromSeconds(5), Retries = 1 });

    public async Task<IReadOnlyList<SrvRecord>> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var response = await _client.QueryAsync(name, QueryType.SRV, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.HasError)
        {
            return [];
        }

        return response.Answers.OfType<DnsSrv>()
            .Select(r => new SrvRecord(r.Target.Value.TrimEnd('.'), r.Port, r.Priority, r.Weight))
            .ToArray();
    }
}
