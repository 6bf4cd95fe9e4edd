using Mesh.Signalling.Xmpp.Connection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Signalling.Tests.Xmpp.Connection;

public sealed class ConnectionPlannerTests
{
    private sealed class FakeResolver(Dictionary<string, SrvRecord[]> records, bool fail = false) : ISrvResolver
    {
        public List<string> Queries { get; } = [];

        public Task<IReadOnlyList<SrvRecord>> ResolveAsync(string name, CancellationToken cancellationToken)
        {
            Queries.Add(name);
            if (fail)
            {
                throw new InvalidOperationException("resolver down");
            }

            return Task.FromResult<IReadOnlyList<SrvRecord>>(records.TryGetValue(name, out var r) ? r : []);
        }
    }

    [Fact]
    public async Task Explicit_host_skips_dns()
    {
        var resolver = new FakeResolver([]);
        var plan = await ConnectionPlanner.PlanAsync("example.org", "10.0.0.1", 5223, true, resolver, new Random(1), NullLogger.Instance, default);
        Assert.Equal([new ConnectionTarget("10.0.0.1", 5223, true)], plan);
        Assert.Empty(resolver.Queries);
    }

    [Fact]
    public async Task Without_records_falls_back_to_the_domain_on_5222()
    {
        var resolver = new FakeResolver([]);
        var plan = await ConnectionPlanner.PlanAsync("example.org", null, null, false, resolver, new Random(1), NullLogger.Instance, default);
        Assert.Equal([new ConnectionTarget("example.org", 5222, false)], plan);
        Assert.Equal(["_xmpps-client._tcp.example.org", "_xmpp-client._tcp.example.org"], resolver.Queries);
    }

    [Fact]
    public async Task A_failing_resolver_also_falls_back_to_the_domain()
    {
        var plan = await ConnectionPlanner.PlanAsync("example.org", null, null, false, new FakeResolver([], fail: true), new Random(1), NullLogger.Instance, default);
        Assert.Equal([new ConnectionTarget("example.org", 5222, false)], plan);
    }

    [Fact]
    public async Task Both_services_are_merged_by_priority()
    {
        var resolver = new FakeResolver(new()
        {
            ["_xmpps-client._tcp.example.org"] = [new SrvRecord("tls.example.org", 443, 5, 0)],
            ["_xmpp-client._tcp.example.org"] = [new SrvRecord("a.example.org", 5222, 1, 0), new SrvRecord("b.example.org", 5222, 10, 0)],
        });
        var plan = await ConnectionPlanner.PlanAsync("example.org", null, null, false, resolver, new Random(1), NullLogger.Instance, default);
        Assert.Equal(
            [new ConnectionTarget("a.example.org", 5222, false), new ConnectionTarget("tls.example.org", 443, true), new ConnectionTarget("b.example.org", 5222, false)],
            plan);
    }

    [Fact]
    public void A_dot_target_means_the_service_is_not_offered()
    {
        Assert.Empty(ConnectionPlanner.Order("example.org", null, [], [new SrvRecord(".", 0, 0, 0)], new Random(1)));
    }

    [Fact]
    public void Weights_decide_the_order_within_a_priority_in_proportion()
    {
        var heavy = 0;
        var random = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var plan = ConnectionPlanner.Order("example.org", null, [], [new SrvRecord("heavy", 1, 1, 89), new SrvRecord("light", 1, 1, 9)], random);
            Assert.Equal(2, plan.Count);
            if (plan[0].Host == "heavy")
            {
                heavy++;
            }
        }

        // Expected share 90/100; a fair coin would give about 1000.
        Assert.InRange(heavy, 1700, 1900);
    }
}
