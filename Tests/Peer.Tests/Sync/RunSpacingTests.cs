using Mesh.Peer.Sync;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Peer.Tests.Sync;

public sealed class RunSpacingTests
{
    [Fact]
    public void A_wake_up_after_a_quiet_spell_runs_at_once_and_one_soon_after_a_run_waits_out_the_gap()
    {
        var time = new FakeTimeProvider();
        var spacing = new RunSpacing(TimeSpan.FromMilliseconds(50), time);
        Assert.Equal(TimeSpan.Zero, spacing.WaitBeforeNext());

        spacing.Ended();
        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(TimeSpan.FromMilliseconds(30), spacing.WaitBeforeNext());

        // An edit made long after the last pass (one byte of a big file) is not held back by the pause
        // that batches bursts.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, spacing.WaitBeforeNext());
        Assert.True(spacing.WaitAsync(CancellationToken.None).IsCompleted);
    }
}
