namespace Mesh.Signalling.Xmpp.Connection;

/// <summary>Looks up SRV records; the real one asks DNS, tests pass a fake so they never query the network.</summary>
internal interface ISrvResolver
{
    /// <summary>The records of <paramref name="name"/> (e.g. <c>_xmpp-client._tcp.example.org</c>); empty when there are none.</summary>
    Task<IReadOnlyList<SrvRecord>> ResolveAsync(string name, CancellationToken cancellationToken);
}
