using Mesh.Signalling.Xmpp.Connection;

namespace Mesh.Signalling.Tests.Xmpp.Connection;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void First_retry_is_immediate_then_delays_double_within_jitter_up_to_the_cap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(7));
        Assert.Equal(TimeSpan.Zero, backoff.Delay(0));
        for (var attempt = 1; attempt < 12; attempt++)
        {
            var ceiling = Math.Min(Math.Pow(2, attempt - 1), 30);
            var delay = backoff.Delay(attempt).TotalSeconds;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
    }

    [Fact]
    public void Jitter_spreads_clients_apart()
    {
        var delays = Enumerable.Range(0, 50).Select(seed => new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(seed)).Delay(5)).Distinct().Count();
        Assert.True(delays > 40);
    }

    [Fact]
    public void The_same_seed_gives_the_same_delays()
    {
        var a = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(3));
        var b = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(3));
        Assert.Equal(Enumerable.Range(0, 8).Select(a.Delay), Enumerable.Range(0, 8).Select(b.Delay));
    }
}
